"""Overview's three layers per lane (llm.invoke() / llm.stream()) under AppTest.

AppTest runs no JavaScript, so the browser layer stays empty here; the browser tests
(tests/e2e/test_compare_layers_browser.py) cover it in chromium.
"""

from __future__ import annotations

import pandas as pd

from streamlab.measure.layers import BROWSER, LANGCHAIN, SERVER
from tests.support.apptest import FAST_PROFILE, layer_tables, open_page, texts

PAGE = "lessons/01_overview.py"
ANSWER = "A short fixed answer for both lanes."


def test_each_lane_has_its_own_table_invoke_sends_once_stream_many_times():
    at = open_page(PAGE)
    at.button(key="ov_run").click().run()
    assert not at.exception
    assert [tab.label for tab in at.tabs] == ["llm.invoke()", "llm.stream()"]
    invoked, streamed = layer_tables(at)
    for table in (invoked, streamed):
        assert list(table.index) == [SERVER, LANGCHAIN, BROWSER]
        assert table.loc[SERVER, "chars"] == table.loc[LANGCHAIN, "chars"] > 100  # the LLM's text
        assert table.loc[SERVER, "first token (ms)"] <= table.loc[LANGCHAIN, "first token (ms)"]
        assert pd.isna(table.loc[BROWSER, "first token (ms)"])
    assert invoked.loc[SERVER, "updates"] == invoked.loc[LANGCHAIN, "updates"] == 1
    assert streamed.loc[SERVER, "updates"] == streamed.loc[LANGCHAIN, "updates"] > 20
    assert "needs a real browser tab" in texts(at)
    assert "On this page" in texts(at)


def test_a_rerun_redraws_both_answers_diagrams_metrics_and_layers():
    at = open_page(PAGE, profile={**FAST_PROFILE, "sim_text": ANSWER})
    at.button(key="ov_run").click().run()
    at.run()  # e.g. the browser's report, or any other widget
    assert not at.exception
    assert [m.value for m in at.markdown].count(ANSWER) == 2
    assert [m.label for m in at.metric] == ["TTFT", "Total", "Chunks"] * 2
    assert sum(s.value.startswith("**UI / Client**") for s in at.success) == 2
    assert "invoke() → AIMessage(content=" in texts(at)
    assert [t.loc[LANGCHAIN, "chars"] for t in layer_tables(at)] == [len(ANSWER)] * 2
    assert len(at.get("plotly_chart")) == 3
