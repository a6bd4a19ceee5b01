"""POST /v1/responses, streamed: OpenAI's event order and schemas, text, tools, on the wire."""

from __future__ import annotations

import json

from tests.support import loopback
from tests.support.openapi import assert_valid
from tests.support.responses import (
    FAST,
    KEY,
    WEATHER_TOOLS,
    assert_valid_events,
    post_events,
    post_lines,
    types_of,
)

QUESTION = {"model": "sim-fast", "input": "Explain RAG"}


def compact(kinds: list[str]) -> list[str]:
    """The event types with each run of deltas shown once, so a timeline reads as a literal."""
    out: list[str] = []
    for kind in kinds:
        if not (kind.endswith(".delta") and out and out[-1] == kind):
            out.append(kind)
    return out


def test_text_stream_when_read_then_events_follow_openais_order(sim_base_url):
    events = post_events(sim_base_url, QUESTION)
    assert_valid_events(events)
    assert compact(types_of(events)) == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
        "response.output_text.delta",
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    assert [e["sequence_number"] for e in events] == list(range(len(events)))


def test_text_stream_when_deltas_joined_then_equal_done_text_and_final_output(sim_base_url):
    events = post_events(sim_base_url, QUESTION)
    deltas = [e["delta"] for e in events if e["type"] == "response.output_text.delta"]
    done = next(e for e in events if e["type"] == "response.output_text.done")
    final = events[-1]["response"]
    assert len(deltas) > 10 and all(deltas)
    assert "".join(deltas) == done["text"] == final["output"][0]["content"][0]["text"]
    assert "Retrieval-Augmented Generation" in done["text"]
    assert_valid("Response", final)


def test_completed_event_when_stream_ends_then_carries_usage_and_completed_status(sim_base_url):
    events = post_events(sim_base_url, QUESTION)
    final = events[-1]["response"]
    deltas = sum(e["type"] == "response.output_text.delta" for e in events)
    assert final["status"] == "completed" and final["completed_at"] is not None
    assert final["usage"]["output_tokens"] == deltas
    assert final["usage"]["output_tokens_details"] == {"reasoning_tokens": 0}
    assert final["usage"]["total_tokens"] == final["usage"]["input_tokens"] + deltas
    assert "usage" not in events[0]["response"]  # unknown while in progress
    assert {e["response"]["id"] for e in events if "response" in e} == {final["id"]}


def test_wire_when_streamed_then_each_event_has_its_event_line_and_no_done_marker(sim_base_url):
    lines = post_lines(sim_base_url, {**QUESTION, "stream": True, "sim": FAST})
    pairs = list(zip(lines[::2], lines[1::2], strict=True))
    assert all(e.startswith("event: ") and d.startswith("data: ") for e, d in pairs)
    assert all(e.removeprefix("event: ") == json.loads(d[6:])["type"] for e, d in pairs)
    assert lines[-1] != "data: [DONE]"


def test_deltas_when_obfuscation_not_refused_then_padded_and_when_refused_then_bare(sim_base_url):
    padded = post_events(sim_base_url, QUESTION)
    bare = post_events(sim_base_url, {**QUESTION, "stream_options": {"include_obfuscation": False}})
    deltas = [e for e in padded if e["type"].endswith(".delta")]
    assert all(e["obfuscation"] for e in deltas)
    assert not any("obfuscation" in e for e in bare)


def test_logprobs_when_included_then_one_per_delta_and_all_on_the_final_text(sim_base_url):
    body = {**QUESTION, "include": ["message.output_text.logprobs"], "top_logprobs": 2}
    events = post_events(sim_base_url, body)
    assert_valid_events(events)
    deltas = [e for e in events if e["type"] == "response.output_text.delta"]
    assert all([lp["token"] for lp in e["logprobs"]] == [e["delta"]] for e in deltas)
    assert all(len(e["logprobs"][0]["top_logprobs"]) == 2 for e in deltas)
    part = events[-1]["response"]["output"][0]["content"][0]
    assert [lp["token"] for lp in part["logprobs"]] == [e["delta"] for e in deltas]
    assert not post_events(sim_base_url, QUESTION)[-1]["response"]["output"][0]["content"][0]["logprobs"]


def test_function_call_stream_when_question_needs_a_tool_then_arguments_stream(sim_base_url):
    body = {"model": "sim-fast", "input": "What is the weather in Paris?", "tools": WEATHER_TOOLS[:1]}
    events = post_events(sim_base_url, body)
    assert_valid_events(events)
    assert compact(types_of(events)) == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.function_call_arguments.delta",
        "response.function_call_arguments.done",
        "response.output_item.done",
        "response.completed",
    ]
    added, done = events[2]["item"], events[-2]["item"]
    assert (added["name"], added["arguments"], added["status"]) == ("get_weather", "", "in_progress")
    pieces = "".join(e["delta"] for e in events if e["type"].endswith("arguments.delta"))
    assert json.loads(pieces) == json.loads(done["arguments"]) == {"city": "Paris"}
    assert done["call_id"] == added["call_id"] and done["status"] == "completed"


def test_function_calls_when_question_needs_two_tools_then_parallel_items(sim_base_url):
    body = {"model": "sim-fast", "input": "Weather and local time in Paris?", "tools": WEATHER_TOOLS}
    events = post_events(sim_base_url, body)
    assert_valid_events(events)
    output = events[-1]["response"]["output"]
    assert [(o["type"], o["name"]) for o in output] == [
        ("function_call", "get_weather"),
        ("function_call", "get_local_time"),
    ]
    assert [json.loads(o["arguments"]) for o in output] == [{"city": "Paris"}, {"city": "Paris"}]
    assert len({o["call_id"] for o in output}) == 2
    assert [e["output_index"] for e in events if e["type"] == "response.output_item.added"] == [0, 1]


def test_function_calls_when_parallel_tool_calls_false_then_one_call(sim_base_url):
    body = {
        "model": "sim-fast",
        "input": "Weather and local time in Paris?",
        "tools": WEATHER_TOOLS,
        "parallel_tool_calls": False,
    }
    output = post_events(sim_base_url, body)[-1]["response"]
    assert [o["name"] for o in output["output"]] == ["get_weather"]
    assert output["parallel_tool_calls"] is False


def test_tool_result_when_sent_back_then_answer_is_a_message_about_it(sim_base_url):
    call = {
        "type": "function_call",
        "call_id": "call_1",
        "name": "get_weather",
        "arguments": '{"city":"Paris"}',
    }
    result = {"type": "function_call_output", "call_id": "call_1", "output": "sunny, 21 C"}
    body = {
        "model": "sim-fast",
        "input": [{"role": "user", "content": "What is the weather in Paris?"}, call, result],
        "tools": WEATHER_TOOLS[:1],
    }
    events = post_events(sim_base_url, body)
    assert_valid_events(events)
    output = events[-1]["response"]["output"]
    assert [o["type"] for o in output] == ["message"]
    assert "sunny, 21 C" in output[0]["content"][0]["text"]


def test_max_output_tokens_when_answer_is_longer_then_incomplete_with_reason(sim_base_url):
    events = post_events(sim_base_url, {**QUESTION, "max_output_tokens": 16})
    assert_valid_events(events)
    final = events[-1]
    assert final["type"] == "response.incomplete"
    assert final["response"]["incomplete_details"] == {"reason": "max_output_tokens"}
    assert final["response"]["output"][0]["status"] == "incomplete"
    assert sum(e["type"] == "response.output_text.delta" for e in events) == 16


def test_json_schema_format_when_streamed_then_text_is_that_json(sim_base_url):
    schema = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    text = {"format": {"type": "json_schema", "name": "place", "schema": schema, "strict": True}}
    events = post_events(sim_base_url, {"model": "sim-fast", "input": "A city: Paris", "text": text})
    assert_valid_events(events)
    final = events[-1]["response"]
    assert json.loads(final["output"][0]["content"][0]["text"]) == {"city": "Paris"}
    assert final["text"]["format"]["name"] == "place"


def test_request_echo_when_options_given_then_final_response_repeats_them(sim_base_url):
    body = {
        **QUESTION,
        "instructions": "Be brief.",
        "metadata": {"lesson": "responses"},
        "temperature": 0.5,
        "store": False,
    }
    final = post_events(sim_base_url, body)[-1]["response"]
    assert (final["instructions"], final["metadata"]) == ("Be brief.", {"lesson": "responses"})
    assert (final["temperature"], final["store"], final["model"]) == (0.5, False, "sim-fast")


def test_non_streaming_when_same_seed_then_same_text_as_stream(sim_base_url):
    body = {**QUESTION, "sim": {**FAST, "seed": 7}}
    reply = loopback.post(sim_base_url + "/responses", json=body, headers=KEY, timeout=30).json()
    assert_valid("Response", reply)
    streamed = post_events(sim_base_url, body)[-1]["response"]
    assert reply["output"][0]["content"][0]["text"] == streamed["output"][0]["content"][0]["text"]
    assert reply["status"] == "completed" and reply["usage"] == streamed["usage"]
