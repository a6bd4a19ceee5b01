"""Streaming vs non-streaming: after the trials, one request per mode is shown on screen and
measured in three layers, one tab per lane (llm.stream() / llm.invoke()), under AppTest.

AppTest runs no JavaScript, so the browser layer stays empty here; the browser tests
(tests/e2e/test_compare_layers_browser.py) cover it in chromium.
"""

from __future__ import annotations

import pandas as pd

from streamlab.measure.layers import BROWSER, LANGCHAIN, SERVER
from tests.support.apptest import FAST_PROFILE, SMALL_PROFILE, layer_tables, open_page, texts

PAGE = "lessons/09_streaming_vs_not.py"
ANSWER = "Latency is the wait for an answer."


def test_after_the_trials_each_mode_is_shown_once_with_its_own_layers():
    at = open_page(PAGE, profile=SMALL_PROFILE)
    at.slider(key="cmp_trials").set_value(1)
    at.button(key="cmp_run").click().run()
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
    assert streamed.loc[LANGCHAIN, "first token (ms)"] * 3 < invoked.loc[LANGCHAIN, "first token (ms)"]
    assert "needs a real browser tab" in texts(at)
    assert "medians of 1 trials" in at.success[0].value  # the trials still come first


def test_a_rerun_redraws_the_verdict_both_answers_and_layers():
    at = open_page(PAGE, profile={**FAST_PROFILE, "sim_text": ANSWER})
    at.slider(key="cmp_trials").set_value(2)
    at.button(key="cmp_run").click().run()
    at.run()  # e.g. the browser's report, or any other widget
    assert not at.exception
    assert [m.value for m in at.markdown].count(ANSWER) == 2
    assert "medians of 2 trials" in at.success[0].value
    assert [m.label for m in at.metric] == ["TTFT", "Total", "Chunks"]
    assert [t.loc[LANGCHAIN, "chars"] for t in layer_tables(at)] == [len(ANSWER)] * 2
    assert [c.key for c in at.get("plotly_chart")] == [
        "cmp_chart",
        "cmp_layers_0_chart",
        "cmp_layers_1_chart",
    ]
