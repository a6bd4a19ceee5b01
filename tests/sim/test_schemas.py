"""Every JSON object the chat-completions and models routes send conforms to OpenAI's schemas.

Table-driven over request shapes (streamed or not, tools, n > 1, logprobs, JSON mode, usage,
faults, refusals): each answer, each stream chunk, each error body and each error event is
validated against OpenAI's published OpenAPI description.
"""

from __future__ import annotations

import json

import pytest

from streamlab.sim.plan import plan_completion
from streamlab.sim.protocol import sse_event, stream_events, stream_objects
from streamlab.sim.request import parse_request
from tests.support import loopback
from tests.support.openapi import assert_valid
from tests.support.simclient import AUTH, FAST, post_chat, sse_payloads

QUESTION = [{"role": "user", "content": "Explain RAG"}]
WEATHER = [{"role": "user", "content": "What is the weather and the local time in Paris?"}]
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": name,
            "description": "A tool.",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            },
        },
    }
    for name in ("get_weather", "get_local_time")
]
CALL = {
    "role": "assistant",
    "content": None,
    "tool_calls": [
        {
            "id": "call_1",
            "type": "function",
            "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
        }
    ],
}
SCHEMA = {
    "type": "json_schema",
    "json_schema": {
        "name": "person",
        "strict": True,
        "schema": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
            "required": ["name", "age"],
            "additionalProperties": False,
        },
    },
}

# (case, body fields on top of model, messages and sim)
SHAPES = [
    ("text", {}),
    ("text with usage", {"stream_options": {"include_usage": True}}),
    ("max_tokens cut", {"max_tokens": 3}),
    ("stop sequence", {"stop": ["Retrieval"]}),
    ("n=3", {"n": 3}),
    ("n=2 with usage", {"n": 2, "stream_options": {"include_usage": True}}),
    ("logprobs", {"logprobs": True}),
    ("top_logprobs", {"logprobs": True, "top_logprobs": 5}),
    ("n=2 logprobs", {"n": 2, "logprobs": True, "top_logprobs": 2}),
    ("one tool call", {"messages": WEATHER, "tools": TOOLS, "parallel_tool_calls": False}),
    ("parallel tool calls", {"messages": WEATHER, "tools": TOOLS}),
    (
        "forced tool",
        {"tools": TOOLS, "tool_choice": {"type": "function", "function": {"name": "get_weather"}}},
    ),
    ("required tool", {"tools": TOOLS, "tool_choice": "required"}),
    (
        "tool result",
        {"messages": [*WEATHER, CALL, {"role": "tool", "tool_call_id": "call_1", "content": "Sunny"}]},
    ),
    (
        "json_object",
        {
            "messages": [{"role": "user", "content": "JSON with 'a' (integer)"}],
            "response_format": {"type": "json_object"},
        },
    ),
    (
        "json_schema",
        {"response_format": SCHEMA, "messages": [{"role": "user", "content": "Ada Lovelace, 36"}]},
    ),
    ("developer message", {"messages": [{"role": "developer", "content": "Be brief."}, *QUESTION]}),
    (
        "content blocks",
        {"messages": [{"role": "user", "content": [{"type": "text", "text": "Explain RAG"}]}]},
    ),
    ("forced text", {"sim": {**FAST, "text": "<b>x</b> & é"}}),
    ("every OpenAI model name", {"model": "gpt-4.1-mini"}),
]


def request_body(fields: dict, *, stream: bool) -> dict:
    body = {"model": "sim-fast", "messages": QUESTION, "sim": FAST, **fields}
    if not stream:
        body.pop("stream_options", None)
    return {**body, "stream": stream}


@pytest.mark.parametrize("case, fields", SHAPES, ids=[s[0] for s in SHAPES])
def test_answer_when_not_streamed_then_a_valid_chat_completion(sim_base_url, case, fields):
    response = post_chat(sim_base_url, request_body(fields, stream=False))
    assert response.status_code == 200, response.text
    assert_valid("CreateChatCompletionResponse", response.json())


@pytest.mark.parametrize("case, fields", SHAPES, ids=[s[0] for s in SHAPES])
def test_answer_when_streamed_then_every_chunk_is_a_valid_chunk(sim_base_url, case, fields):
    response = post_chat(sim_base_url, request_body(fields, stream=True))
    assert response.status_code == 200, response.text
    payloads = sse_payloads(response.text)
    assert payloads[-1] == "[DONE]" and len(payloads) > 2
    for chunk in payloads[:-1]:
        assert_valid("CreateChatCompletionStreamResponse", chunk)


# (case, body fields, headers) of refused requests
REFUSALS = [
    ("unknown field", {"max_token": 1}, AUTH),
    ("bad type", {"temperature": "hot"}, AUTH),
    ("unknown model", {"model": "gpt-99"}, AUTH),
    ("no key", {}, {}),
    ("rejected key", {}, {"authorization": "Bearer sk-bad-0"}),
    ("401 fault", {"sim": {"fault": "401"}}, AUTH),
    ("429 fault", {"sim": {"fault": "429"}}, AUTH),
    ("500 fault", {"sim": {"fault": "500"}}, AUTH),
    ("error_after fault, not streamed", {"sim": {**FAST, "fault": "error_after:2"}}, AUTH),
]


@pytest.mark.parametrize("case, fields, headers", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refusal_when_sent_then_a_valid_error_response(sim_base_url, case, fields, headers):
    body = request_body(fields, stream=False)
    response = loopback.post(sim_base_url + "/chat/completions", json=body, headers=headers, timeout=10)
    assert response.status_code >= 400
    assert_valid("ErrorResponse", response.json())


def test_error_event_when_streamed_then_chunks_then_a_valid_error(sim_base_url):
    response = post_chat(
        sim_base_url, request_body({"sim": {**FAST, "fault": "error_after:3"}}, stream=True)
    )
    payloads = sse_payloads(response.text)
    for chunk in payloads[:3]:
        assert_valid("CreateChatCompletionStreamResponse", chunk)
    assert len(payloads) == 4
    assert_valid("ErrorResponse", payloads[3])


def test_models_when_listed_or_retrieved_then_valid_model_objects(sim_base_url):
    listed = loopback.get(sim_base_url + "/models", headers=AUTH, timeout=10).json()
    assert_valid("ListModelsResponse", listed)
    for model in listed["data"]:
        retrieved = loopback.get(f"{sim_base_url}/models/{model['id']}", headers=AUTH, timeout=10)
        assert retrieved.json() == model
        assert_valid("Model", retrieved.json())
    missing = loopback.get(sim_base_url + "/models/gpt-99", headers=AUTH, timeout=10)
    assert missing.status_code == 404
    assert_valid("ErrorResponse", missing.json())


@pytest.mark.parametrize("case, fields", SHAPES, ids=[s[0] for s in SHAPES])
def test_encoded_stream_when_fast_path_or_not_then_the_bytes_of_every_object(case, fields):
    chat = parse_request(json.dumps(request_body(fields, stream=True)).encode())
    plan = plan_completion(chat)
    encoded = [(due, event) for due, event, _ in stream_events(plan)]
    assert encoded == [(due, sse_event(obj)) for due, obj in stream_objects(plan)]
