"""Page 05's three layers per chain variant (sent by server / received by LangChain / shown in
browser) under AppTest.

Each variant makes its own request, so each has its own lane (a tab). AppTest runs no JavaScript:
the browser layer stays empty here; tests/e2e/test_chains_layers_browser.py covers it in chromium.
"""

from __future__ import annotations

import pandas as pd

from streamlab.measure.layers import BROWSER, LANGCHAIN, SERVER
from tests.support.apptest import FAST_PROFILE, open_page, texts

PAGE = "lessons/05_sequence.py"
# ~0.5 s streams, so "during" and "after the server finished" are far apart.
TIMED = {"sim_ttft_ms": 40.0, "sim_tokens_per_s": 150.0, "sim_jitter_ms": 0.0, "sim_seed": 2}
SEED, PLAIN, GEN_LAMBDA, RUNNABLE_GEN = (
    "seed chain (ends in the LLM)",
    "+ plain function",
    "+ RunnableLambda(generator)",
    "+ RunnableGenerator",
)


def layer_tables(at) -> dict[str, pd.DataFrame]:
    """{tab label: its three-row table} of the layers section."""
    return {
        tab.label: next(t.value for t in tab.table if "first token (ms)" in t.value.columns)
        for tab in at.tabs
        if any("first token (ms)" in t.value.columns for t in tab.table)
    }


def run(at, variants: list[str]):
    at.multiselect(key="seq_variants").set_value(variants).run()
    at.button(key="seq_run").click().run()
    assert not at.exception
    return at


def test_each_variant_has_its_own_lane_and_only_streaming_variants_follow_the_server():
    at = run(open_page(PAGE, profile=TIMED), [SEED, PLAIN, GEN_LAMBDA, RUNNABLE_GEN])
    tables = layer_tables(at)
    assert list(tables) == [SEED, PLAIN, GEN_LAMBDA, RUNNABLE_GEN]
    for name, table in tables.items():
        assert list(table.index) == [SERVER, LANGCHAIN, BROWSER], name
        assert table.loc[SERVER, "updates"] > 10, name  # every variant's LLM streams from the server
        assert table.loc[SERVER, "first token (ms)"] <= table.loc[LANGCHAIN, "first token (ms)"], name
        assert pd.isna(table.loc[BROWSER, "first token (ms)"]), name
    for name in (SEED, RUNNABLE_GEN):  # streaming: LangChain gets text while the server still sends
        table = tables[name]
        assert table.loc[LANGCHAIN, "updates"] == table.loc[SERVER, "updates"], name
        assert table.loc[LANGCHAIN, "chars"] == table.loc[SERVER, "chars"], name
        received_first = table.loc[LANGCHAIN, "first token (ms)"]
        assert received_first < table.loc[SERVER, "last token (ms)"] - 100, name
    plain, gen_lambda = tables[PLAIN], tables[GEN_LAMBDA]
    assert plain.loc[LANGCHAIN, "updates"] == 1  # the whole upper-cased answer, once
    assert plain.loc[LANGCHAIN, "chars"] == plain.loc[SERVER, "chars"]
    assert gen_lambda.loc[LANGCHAIN, "updates"] > 10  # many chunks…
    for table in (plain, gen_lambda):  # …but only after the server's last chunk
        assert table.loc[LANGCHAIN, "first token (ms)"] >= table.loc[SERVER, "last token (ms)"]
    assert "needs a real browser tab" in texts(at)


def test_a_rerun_redraws_every_variant_text_metrics_table_and_layers():
    at = run(
        open_page(PAGE, profile={**FAST_PROFILE, "sim_text": "A short fixed answer."}), [SEED, PLAIN]
    )
    at.run()  # e.g. the browser's report
    assert not at.exception
    shown = [m.value for m in at.markdown]
    assert "A short fixed answer." in shown and "A SHORT FIXED ANSWER." in shown
    assert [m.label for m in at.metric].count("TTFT") == 2
    assert list(at.dataframe[0].value["run"]) == [SEED, PLAIN]
    tables = layer_tables(at)
    assert list(tables) == [SEED, PLAIN]
    assert (
        tables[SEED].loc[LANGCHAIN, "chars"]
        == tables[PLAIN].loc[LANGCHAIN, "chars"]
        == len("A short fixed answer.")
    )
    assert len(at.get("plotly_chart")) == 2 + 2  # arrival + step timeline + one layer chart per lane
