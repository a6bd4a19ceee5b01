"""What OpenAI refuses, the simulator refuses the same way (issue 13, item 3).

Each bad request gets a 400 `invalid_request_error` naming the `param` (never FastAPI's 422),
in the shape of OpenAI's `ErrorResponse`, so the `openai` SDK raises `BadRequestError` here
exactly where it would against the real API.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import openai
import pytest

from streamlab.sim.request import KNOWN_FIELDS
from tests.support import loopback
from tests.support.openapi import SPEC_PATH, assert_valid
from tests.support.simclient import AUTH, FAST, post_chat

USER = {"role": "user", "content": "What is the weather in Paris?"}
CALL = {
    "role": "assistant",
    "content": None,
    "tool_calls": [
        {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}
    ],
}
RESULT = {"role": "tool", "tool_call_id": "call_1", "content": "Sunny"}
TOOLS = [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}]
JSON_SCHEMA = {"type": "json_schema", "json_schema": {"schema": {"type": "object"}}}


def body(**fields: object) -> dict:
    return {"model": "sim-fast", "messages": [USER], "sim": FAST, **fields}


# (case, request body, param OpenAI names)
REFUSED = [
    ("unknown field", body(max_token=5), "max_token"),
    ("missing model", {"messages": [USER]}, "model"),
    ("messages not a list", body(messages="hello"), "messages"),
    ("no messages", body(messages=[]), "messages"),
    ("message not an object", body(messages=["hi"]), "messages[0]"),
    ("invalid role", body(messages=[{"role": "robot", "content": "hi"}]), "messages[0].role"),
    ("stream as a string", body(stream="true"), "stream"),
    ("temperature as a string", body(temperature="0.5"), "temperature"),
    ("temperature above 2", body(temperature=5), "temperature"),
    ("top_p above 1", body(top_p=1.5), "top_p"),
    ("presence_penalty below -2", body(presence_penalty=-3), "presence_penalty"),
    ("n of 0", body(n=0), "n"),
    ("n above 128", body(n=129), "n"),
    ("max_tokens of 0", body(max_tokens=0), "max_tokens"),
    ("max_tokens negative", body(max_tokens=-1), "max_tokens"),
    ("max_tokens as a float", body(max_tokens=2.5), "max_tokens"),
    ("top_logprobs above 20", body(logprobs=True, top_logprobs=21), "top_logprobs"),
    ("top_logprobs without logprobs", body(top_logprobs=2), "top_logprobs"),
    ("stream_options without stream", body(stream_options={"include_usage": True}), "stream_options"),
    ("five stop sequences", body(stop=["a", "b", "c", "d", "e"]), "stop"),
    ("tool message first", body(messages=[RESULT]), "messages[0].role"),
    ("tool message after a user", body(messages=[USER, RESULT]), "messages[1].role"),
    (
        "tool message for another call",
        body(messages=[USER, CALL, {**RESULT, "tool_call_id": "x"}]),
        "messages[2].role",
    ),
    ("tool call not answered", body(messages=[USER, CALL]), "messages[1].role"),
    ("tool call answered too late", body(messages=[USER, CALL, USER, RESULT]), "messages[1].role"),
    ("json_object without json", body(response_format={"type": "json_object"}), "messages"),
    (
        "json_schema without a name",
        body(response_format=JSON_SCHEMA),
        "response_format.json_schema.name",
    ),
    ("unknown response_format", body(response_format={"type": "yaml"}), "response_format.type"),
    ("tool_choice without tools", body(tool_choice="auto"), "tool_choice"),
    ("tool_choice required without tools", body(tool_choice="required"), "tool_choice"),
    (
        "tool_choice naming a missing tool",
        body(tools=TOOLS, tool_choice={"type": "function", "function": {"name": "get_time"}}),
        "tool_choice.function.name",
    ),
    ("tool_choice unknown mode", body(tools=TOOLS, tool_choice="always"), "tool_choice"),
    ("unknown fault", body(sim={"fault": "explode"}), "sim.fault"),
]


@pytest.mark.parametrize("case, request_body, param", REFUSED, ids=[c[0] for c in REFUSED])
def test_bad_request_when_sent_then_400_naming_the_param(sim_base_url, case, request_body, param):
    response = post_chat(sim_base_url, request_body)
    assert response.status_code == 400, response.text
    assert_valid("ErrorResponse", response.json())
    error = response.json()["error"]
    assert (error["type"], error["param"]) == ("invalid_request_error", param)
    assert error["message"] and error["code"] and "Traceback" not in error["message"]


SDK_CASES = [
    c for c in REFUSED if c[0] not in ("missing model", "messages not a list", "message not an object")
]


@pytest.mark.parametrize("case, request_body, param", SDK_CASES, ids=[c[0] for c in SDK_CASES])
def test_bad_request_when_sent_by_the_sdk_then_bad_request_error(
    sim_base_url, case, request_body, param
):
    client = openai.OpenAI(base_url=sim_base_url, api_key="sk-test", max_retries=0)
    fields = {k: v for k, v in request_body.items() if k not in ("model", "messages")}
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(
            model=request_body.get("model", ""),
            messages=request_body.get("messages", []),
            extra_body=fields,
        )
    assert info.value.status_code == 400 and info.value.param == param


ACCEPTED = [
    ("tool call then its result", body(messages=[USER, CALL, RESULT], tools=TOOLS)),
    (
        "two results, any order",
        body(messages=[USER, {**CALL, "tool_calls": CALL["tool_calls"] * 2}, RESULT]),
    ),
    (
        "json_object with json in a message",
        body(
            response_format={"type": "json_object"},
            messages=[{"role": "user", "content": "Answer in JSON"}],
        ),
    ),
    ("four stop sequences", body(stop=["a", "b", "c", "d"])),
    ("logprobs with top_logprobs", body(logprobs=True, top_logprobs=3)),
    ("stream_options with stream", body(stream=True, stream_options={"include_usage": True})),
    ("developer role", body(messages=[{"role": "developer", "content": "Be brief."}, USER])),
    ("known fields OpenAI ignores here", body(user="u-1", store=False, metadata={"k": "v"}, top_p=0.5)),
]


@pytest.mark.parametrize("case, request_body", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_valid_request_when_sent_then_answered(sim_base_url, case, request_body):
    assert post_chat(sim_base_url, request_body).status_code == 200


def request_fields(spec: dict, name: str) -> set[str]:
    """The properties of schema `name`, through its `allOf` parts and their `$ref`s."""
    schema, fields = spec[name], set()
    for part in schema.get("allOf", [schema]):
        if "$ref" in part:
            fields |= request_fields(spec, part["$ref"].rsplit("/", 1)[1])
        else:
            fields |= set(part.get("properties", {}))
    return fields


def test_known_fields_are_openais_request_fields_and_sim():
    spec = json.loads(Path(SPEC_PATH).read_text(encoding="utf-8"))["components"]["schemas"]
    assert request_fields(spec, "CreateChatCompletionRequest") | {"sim"} == KNOWN_FIELDS


@pytest.mark.parametrize(
    "headers, code",
    [
        ({}, None),
        ({"authorization": "Bearer"}, None),
        ({"authorization": "Bearer sk-bad-1"}, "invalid_api_key"),
    ],
    ids=["no header", "empty key", "rejected key"],
)
@pytest.mark.parametrize("method, path", [("POST", "/chat/completions"), ("GET", "/models")])
def test_api_key_when_missing_or_rejected_then_openai_401(sim_base_url, headers, code, method, path):
    response = httpx.request(method, sim_base_url + path, json=body(), headers=headers, timeout=10)
    assert response.status_code == 401
    assert_valid("ErrorResponse", response.json())
    assert response.json()["error"]["code"] == code


@pytest.mark.parametrize(
    "method, path, status, message",
    [
        ("GET", "/v1/nothing", 404, "Invalid URL (GET /v1/nothing)"),
        ("POST", "/v2/chat/completions", 404, "Invalid URL (POST /v2/chat/completions)"),
        ("GET", "/v1/chat/completions", 405, "Invalid method for URL (GET /v1/chat/completions)"),
        ("DELETE", "/v1/models", 405, "Invalid method for URL (DELETE /v1/models)"),
    ],
)
def test_unknown_route_or_method_when_called_then_openai_error_body(
    sim_server, method, path, status, message
):
    response = httpx.request(method, sim_server.base_url + path, headers=AUTH, timeout=10)
    assert response.status_code == status
    assert_valid("ErrorResponse", response.json())
    assert response.json()["error"]["message"] == message


def test_malformed_json_is_a_400(sim_base_url):
    response = loopback.post(
        sim_base_url + "/chat/completions",
        content=b"{not json",
        headers={"content-type": "application/json", **AUTH},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"


def test_unknown_model_when_sent_by_the_sdk_then_not_found(sim_base_url):
    client = openai.OpenAI(base_url=sim_base_url, api_key="sk-test", max_retries=0)
    with pytest.raises(openai.NotFoundError, match="does not exist"):
        client.chat.completions.create(model="gpt-99", messages=[USER])
