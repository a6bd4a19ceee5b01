"""Page 12's final answer in three layers under AppTest, and the whole run redrawn on a rerun.

Only the final answer has layers (the tool-call arguments are JSON for the tool, not text for the
reader). AppTest runs no JavaScript, so "shown in browser" stays empty here; the browser test
(tests/e2e/test_single_layers_browser.py) covers it in chromium.
"""

from __future__ import annotations

import json

import pandas as pd

from streamlab.measure.layers import BROWSER, LANGCHAIN, SERVER
from tests.support.apptest import FAST_PROFILE, layer_tables, open_page, texts

PAGE = "lessons/12_tool_calls.py"
TOOL_LINE = "get_weather.invoke({'city': 'San Francisco', 'days': 3})"


def answer_text(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("The tool returned"))


def run(**profile) -> object:
    at = open_page(PAGE, profile={**FAST_PROFILE, **profile})
    at.button(key="tools_run").click().run()
    assert not at.exception, at.exception
    return at


def test_only_the_final_answer_has_layers_with_server_and_langchain_numbers():
    at = run()
    (table,) = layer_tables(at)  # one lane: the arguments get none
    assert list(table.index) == [SERVER, LANGCHAIN, BROWSER]
    assert table.loc[SERVER, "updates"] == table.loc[LANGCHAIN, "updates"] > 5
    assert table.loc[SERVER, "chars"] == table.loc[LANGCHAIN, "chars"] == len(answer_text(at))
    assert table.loc[SERVER, "first token (ms)"] <= table.loc[LANGCHAIN, "first token (ms)"]
    assert pd.isna(table.loc[BROWSER, "first token (ms)"])
    page = texts(at)
    assert "needs a real browser tab" in page
    assert "the **second** request leaves" in page


def test_a_rerun_redraws_arguments_call_tool_result_answer_and_layers():
    at = run()
    answer, args = answer_text(at), at.dataframe[0].value
    at.run()  # e.g. the browser's report
    assert not at.exception
    assert answer_text(at) == answer
    assert at.dataframe[0].value.equals(args)
    (call,) = json.loads(at.json[0].value)
    assert (call["name"], call["args"]) == ("get_weather", {"city": "San Francisco", "days": 3})
    assert TOOL_LINE in texts(at)
    assert {m.label for m in at.metric} >= {"Args pieces", "First piece (ms)"}
    (table,) = layer_tables(at)
    assert table.loc[LANGCHAIN, "chars"] == len(answer)


def test_no_tool_call_means_no_answer_lane_even_after_a_rerun():
    at = open_page(PAGE)
    at.text_input(key="tools_question").set_value("Explain RAG")
    at.button(key="tools_run").click().run()
    at.run()
    assert not at.exception
    assert "instead of calling `get_weather`" in at.warning[0].value
    assert layer_tables(at) == []
