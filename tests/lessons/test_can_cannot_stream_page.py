from __future__ import annotations

from streamlab.measure.streamability import VERDICT_LABELS
from tests.lessons.test_can_cannot_stream_recipe import EXPECTED
from tests.support.apptest import open_page, texts

PAGE = "lessons/08_can_cannot_stream.py"


def test_run_measures_every_row_and_shows_langchains_real_verdicts():
    at = open_page(PAGE)  # zero-latency sidebar: the page pins its own latency
    at.button(key="cc_run").click().run()
    assert not at.exception
    table = at.dataframe[0].value.set_index("component")
    assert {c: table.loc[c, "verdict"] for c in EXPECTED} == {
        c: VERDICT_LABELS[v] for c, v in EXPECTED.items()
    }
    assert table.loc["Sequence: plain lambda, then StrOutputParser", "seed says"].startswith("✅")
    assert table.loc["Sequence: plain lambda, then StrOutputParser", "chunks"] == 1
    assert table.loc["prompt | llm | JsonOutputParser()", "first chunks"].startswith("{} | ")
    assert len(at.get("plotly_chart")) == 1
    cards = {m.label: int(m.value) for m in at.metric}
    verdicts = list(EXPECTED.values())
    assert cards == {label: verdicts.count(v) for v, label in VERDICT_LABELS.items()}
    assert "The seed says" in at.warning[0].value and "llm_then_json_parser" in texts(at)
    assert "Chunk times are LangChain's clock (the *received by LangChain* layer)" in texts(at)
