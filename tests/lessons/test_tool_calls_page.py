from __future__ import annotations

import json

from tests.support.apptest import FAST_PROFILE, open_page, texts

PAGE = "lessons/12_tool_calls.py"


def test_run_shows_growing_args_the_parsed_call_the_tool_result_and_the_answer():
    at = open_page(PAGE)
    at.button(key="tools_run").click().run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    pieces = [p for p in table["args piece"] if p]
    assert len(pieces) > 1
    assert "no" in set(table["piece alone is JSON?"])
    assert json.loads(table["accumulated args"].iloc[-1]) == {"city": "San Francisco", "days": 3}
    assert table["sum's parsed args"].iloc[3] == '{"city": "San F"}'  # the partial parse grows
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Args pieces"]) == len(pieces)
    page = texts(at)
    assert "get_weather.invoke({'city': 'San Francisco', 'days': 3})" in page
    assert "San Francisco: sunny, 21 °C, for the next 3 day(s)." in page
    assert "The tool returned" in page  # the final answer streamed as text
    assert "tool_calls" in at.session_state["lessons_run"]


def test_question_without_the_tool_explains_that_no_call_came():
    at = open_page(PAGE)
    at.text_input(key="tools_question").set_value("Explain RAG")
    at.button(key="tools_run").click().run()
    assert not at.exception
    assert "instead of calling `get_weather`" in at.warning[0].value


def test_empty_question_is_refused():
    at = open_page(PAGE)
    at.text_input(key="tools_question").set_value("")
    at.button(key="tools_run").click().run()
    assert not at.exception
    assert "prompt is empty" in at.error[0].value


def test_a_provider_error_is_explained_not_raised():
    at = open_page(PAGE, profile={**FAST_PROFILE, "sim_fault": "500"})
    at.button(key="tools_run").click().run()
    assert not at.exception
    assert "internal error (HTTP 500)" in at.error[0].value
