"""The race's three layers per lane (llm.stream() / llm.invoke()) under AppTest.

AppTest runs no JavaScript, so the browser layer stays empty here; the browser tests
(tests/e2e/test_compare_layers_browser.py) cover it in chromium.
"""

from __future__ import annotations

import pandas as pd

from streamlab.measure.layers import BROWSER, LANGCHAIN, SERVER
from tests.support.apptest import FAST_PROFILE, SMALL_PROFILE, layer_tables, open_page, texts

PAGE = "lessons/02_why_streaming.py"
ANSWER = "Both lanes get this short answer."


def test_each_lane_has_its_own_table_and_only_the_stream_arrives_early():
    at = open_page(PAGE, profile=SMALL_PROFILE)
    at.button(key="why_run").click().run()
    assert not at.exception
    assert [tab.label for tab in at.tabs] == ["llm.stream()", "llm.invoke()"]
    streamed, invoked = layer_tables(at)
    for table in (streamed, invoked):
        assert list(table.index) == [SERVER, LANGCHAIN, BROWSER]
        assert table.loc[SERVER, "chars"] == table.loc[LANGCHAIN, "chars"] > 100  # the LLM's text
        assert table.loc[SERVER, "first token (ms)"] <= table.loc[LANGCHAIN, "first token (ms)"]
        assert pd.isna(table.loc[BROWSER, "first token (ms)"])
    assert streamed.loc[SERVER, "updates"] == streamed.loc[LANGCHAIN, "updates"] > 20
    assert invoked.loc[SERVER, "updates"] == invoked.loc[LANGCHAIN, "updates"] == 1
    # Invoke: the one send is the last token, long after the stream's first one.
    assert invoked.loc[LANGCHAIN, "first token (ms)"] == invoked.loc[LANGCHAIN, "last token (ms)"]
    assert streamed.loc[LANGCHAIN, "first token (ms)"] * 3 < invoked.loc[LANGCHAIN, "first token (ms)"]
    assert "needs a real browser tab" in texts(at)
    assert "In this race" in texts(at)


def test_a_rerun_redraws_both_lanes_metrics_verdict_and_layers():
    at = open_page(PAGE, profile={**FAST_PROFILE, "sim_text": ANSWER})
    at.button(key="why_run").click().run()
    before = [m.value for m in at.metric]
    at.run()  # e.g. the browser's report, or any other widget
    assert not at.exception
    assert [m.value for m in at.markdown].count(ANSWER) == 2
    assert [m.value for m in at.metric] == before and len(before) == 6
    assert texts(at).count("User sees text at") == 2 and "Race clock" in texts(at)
    assert "sooner" in at.success[0].value
    assert [t.loc[LANGCHAIN, "chars"] for t in layer_tables(at)] == [len(ANSWER)] * 2
    assert [c.key for c in at.get("plotly_chart")] == [
        "why_arrival",
        "why_layers_0_chart",
        "why_layers_1_chart",
    ]
