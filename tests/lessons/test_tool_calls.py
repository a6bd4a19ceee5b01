"""Lesson "Streaming tool calls": partial-JSON arguments, summed into a call, then run, against the
installed langchain-core / langchain-openai via the simulator (recipe and demo); the page's four
steps, whose final answer alone is measured in three layers, and their redraw on a rerun.

AppTest runs no JavaScript, so "shown in browser" stays empty here; the browser test
(tests/e2e/test_lessons_browser.py) covers it in chromium.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from langchain_core.messages import AIMessageChunk, ToolMessage

from streamlab.demos.tool_calls import TABLE_COLUMNS, ToolCallLog, is_json
from streamlab.measure.layers import BROWSER, LANGCHAIN, SERVER
from streamlab.recipes.tool_calls import (
    add_up,
    bind_weather_tool,
    get_weather,
    run_tool_calls,
    stream_final_answer,
    stream_tool_call,
)
from tests.support.apptest import FAST_PROFILE, layer_tables, open_page, texts

QUESTION = "What's the weather in San Francisco for the next 3 days?"
EXPECTED_ARGS = {"city": "San Francisco", "days": 3}
PAGE = "lessons/12_tool_calls.py"
TOOL_LINE = "get_weather.invoke({'city': 'San Francisco', 'days': 3})"


@pytest.fixture
def chunks(make_llm) -> list[AIMessageChunk]:
    return list(stream_tool_call(bind_weather_tool(make_llm()), QUESTION))


def test_arguments_stream_as_several_tool_call_chunks(chunks):
    with_args = [c for c in chunks if c.tool_call_chunks and c.tool_call_chunks[0]["args"]]
    assert len(with_args) > 1
    assert all(c.content == "" for c in chunks)  # no text at all: only the call
    assert chunks[0].tool_call_chunks[0]["name"] == "get_weather"  # the name comes once, first
    assert all(c.tool_call_chunks[0]["name"] is None for c in with_args)


def test_each_args_piece_is_a_fragment_and_they_join_to_the_json(chunks):
    pieces = [c.tool_call_chunks[0]["args"] for c in chunks if c.tool_call_chunks]
    pieces = [p for p in pieces if p]
    assert pieces[:3] == ['{"cit', 'y": "', "San F"]
    assert not any(is_json(p) for p in pieces)  # no slice parses on its own
    assert json.loads("".join(pieces)) == EXPECTED_ARGS


def test_the_sum_of_the_chunks_has_the_parsed_tool_call(chunks):
    message = add_up(chunks)
    assert isinstance(message, AIMessageChunk)
    assert len(message.tool_calls) == 1
    call = message.tool_calls[0]
    assert call["name"] == "get_weather"
    assert call["args"] == EXPECTED_ARGS
    assert call["id"].startswith("call_")
    assert message.tool_call_chunks[0]["args"] == json.dumps(EXPECTED_ARGS)


def test_a_single_chunks_tool_calls_are_not_the_call(chunks):
    # Each chunk parses only its own slice: the first knows the name, the rest nothing useful.
    assert chunks[0].tool_calls[0]["args"] == {}
    assert chunks[1].tool_calls == [{"name": "", "args": {}, "id": None, "type": "tool_call"}]
    assert all(c.tool_calls == [] for c in chunks[2:])


def test_running_the_tool_with_the_parsed_args(chunks):
    results = run_tool_calls(add_up(chunks))
    assert len(results) == 1
    assert isinstance(results[0], ToolMessage)
    assert results[0].content == "San Francisco: sunny, 21 °C, for the next 3 day(s)."
    assert results[0].tool_call_id == add_up(chunks).tool_calls[0]["id"]
    assert get_weather.invoke(EXPECTED_ARGS) == results[0].content


def test_sending_the_result_back_streams_a_text_answer(make_llm, chunks):
    llm = bind_weather_tool(make_llm())
    message = add_up(chunks)
    answer = list(stream_final_answer(llm, QUESTION, message, run_tool_calls(message)))
    text = "".join(c.content for c in answer)
    assert "San Francisco: sunny, 21 °C" in text
    assert len([c for c in answer if c.content]) > 3
    assert add_up(answer).tool_calls == []


def test_sim_tool_call_forces_the_tool_even_for_an_unrelated_prompt(make_llm):
    forced_llm = bind_weather_tool(make_llm(sim={"tool_call": "get_weather"}))
    forced = add_up(stream_tool_call(forced_llm, "Hi"))
    plain = add_up(stream_tool_call(bind_weather_tool(make_llm()), "Explain RAG"))
    assert forced.tool_calls[0]["name"] == "get_weather"
    assert plain.tool_calls == [] and plain.content


# --- ToolCallLog


def test_log_rows_show_the_accumulated_string_and_the_partial_parse(make_llm):
    log = ToolCallLog()
    received = list(log.wrap(stream_tool_call(bind_weather_tool(make_llm()), QUESTION)))
    assert log.total.tool_calls == add_up(received).tool_calls
    assert log.pieces == [r.piece for r in log.rows if r.piece]
    accumulated = [r.accumulated for r in log.rows]
    assert accumulated[2] == '{"city": "'
    parsed = [r.parsed for r in log.rows]
    assert parsed[2] == {"city": ""}  # partial JSON, completed by the parser
    assert parsed[3] == {"city": "San F"}
    assert parsed[-1] == EXPECTED_ARGS
    assert log.rows[0].name == "get_weather"
    table = log.to_dataframe()
    assert list(table.columns) == TABLE_COLUMNS
    assert set(table["piece alone is JSON?"]) <= {"", "no"}
    summary = log.summary()
    assert summary["Args pieces"] == len(log.pieces) > 1
    assert summary["Args characters"] == len(json.dumps(EXPECTED_ARGS))


def test_log_arrival_frame_counts_argument_characters(make_llm):
    log = ToolCallLog()
    list(log.wrap(stream_tool_call(bind_weather_tool(make_llm()), QUESTION)))
    frame = log.arrival_frame()
    assert frame["chars"].sum() == len(json.dumps(EXPECTED_ARGS))
    assert frame["t_ms"].is_monotonic_increasing
    assert set(frame["label"]) == {"tool-call arguments"}


def test_empty_log_gives_an_empty_table_with_columns():
    log = ToolCallLog()
    assert list(log.to_dataframe().columns) == TABLE_COLUMNS
    assert log.to_dataframe().empty
    assert log.summary()["chunks"] == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [('{"city": "Paris"}', True), ('{"cit', False), ("San F", False), ('"}', False), ("3", True)],
)
def test_is_json(text, expected):
    assert is_json(text) is expected


# --- the page ---------------------------------------------------------------------------------


def answer_text(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("I checked get_weather"))


def _run(question: str | None = None, **profile):
    at = open_page(PAGE, profile={**FAST_PROFILE, **profile})
    if question is not None:
        at.text_input(key="tools_question").set_value(question)
    at.button(key="tools_run").click().run()
    assert not at.exception, at.exception
    return at


def test_page_run_shows_args_call_tool_and_answer_with_its_layers_and_a_rerun_redraws_them():
    at = _run()
    table = at.dataframe[0].value
    pieces = [p for p in table["args piece"] if p]
    assert len(pieces) > 1
    assert "no" in set(table["piece alone is JSON?"])
    assert json.loads(table["accumulated args"].iloc[-1]) == EXPECTED_ARGS
    assert table["sum's parsed args"].iloc[3] == '{"city": "San F"}'  # the partial parse grows
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Args pieces"]) == len(pieces)
    page = texts(at)
    assert TOOL_LINE in page
    assert "San Francisco: sunny, 21 °C, for the next 3 day(s)." in page
    answer = answer_text(at)  # the final answer streamed as text
    assert "tool_calls" in at.session_state["lessons_run"]
    (layers,) = layer_tables(at)  # one lane: the arguments get none
    assert list(layers.index) == [SERVER, LANGCHAIN, BROWSER]
    assert layers.loc[SERVER, "updates"] == layers.loc[LANGCHAIN, "updates"] > 5
    assert layers.loc[SERVER, "chars"] == layers.loc[LANGCHAIN, "chars"] == len(answer)
    assert layers.loc[SERVER, "first token (ms)"] <= layers.loc[LANGCHAIN, "first token (ms)"]
    assert pd.isna(layers.loc[BROWSER, "first token (ms)"])
    assert "needs a real browser tab" in page
    assert "the **second** request leaves" in page

    at.run()  # e.g. the browser's report
    assert not at.exception
    assert answer_text(at) == answer
    assert at.dataframe[0].value.equals(table)
    (call,) = json.loads(at.json[0].value)
    assert (call["name"], call["args"]) == ("get_weather", EXPECTED_ARGS)
    assert TOOL_LINE in texts(at)
    assert {m.label: m.value for m in at.metric} == metrics
    (layers,) = layer_tables(at)
    assert layers.loc[LANGCHAIN, "chars"] == len(answer)


def test_page_no_tool_call_explains_it_and_has_no_answer_lane_even_after_a_rerun():
    at = _run("Explain RAG")
    assert "instead of calling `get_weather`" in at.warning[0].value
    assert layer_tables(at) == []
    at.run()
    assert not at.exception
    assert "instead of calling `get_weather`" in at.warning[0].value
    assert layer_tables(at) == []


def test_page_empty_question_is_refused():
    at = _run("")
    assert "prompt is empty" in at.error[0].value
    assert not at.dataframe  # nothing ran


def test_page_a_provider_error_is_explained_not_raised():
    at = _run(sim_fault="500")
    assert "internal error (HTTP 500)" in at.error[0].value
    assert layer_tables(at) == []  # the run stopped before the answer's request
