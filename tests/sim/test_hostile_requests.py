"""Hostile requests: every malformed body gets an OpenAI-style 4xx and one log line, never a 500.

The cases are the adversarial probe's (issue "Hostile input, round two", item 5): bodies that
crashed the simulator with a 5 KB traceback each. Recursive schemas that have a finite
instance get a valid answer instead, like OpenAI's.
"""

from __future__ import annotations

import json
import logging

import pytest
from pydantic import BaseModel

from streamlab.client.providers import build_chat_model, embedded_config
from tests.support import loopback
from tests.support.factories import INSTANT
from tests.support.simclient import AUTH

MESSAGES = [{"role": "user", "content": "Use get_weather for Paris over 3 days"}]
FAST = {"ttft_ms": 0, "tokens_per_s": 0}


def body(**fields: object) -> bytes:
    return json.dumps({"model": "sim-fast", "messages": MESSAGES, "sim": FAST, **fields}).encode()


def tool(parameters: object) -> list[dict]:
    return [{"type": "function", "function": {"name": "get_weather", "parameters": parameters}}]


def answer_format(schema: object) -> dict:
    return {"type": "json_schema", "json_schema": {"name": "answer", "schema": schema}}


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


def with_raw(field: str, raw_json: str) -> bytes:
    """A valid body with one more field whose JSON text is given as is (deep, huge, escaped)."""
    return body()[:-1] + f', "{field}": {raw_json}}}'.encode()


OBJECT = {"type": "object", "properties": {"city": {"type": "string"}}}
RECURSIVE_REQUIRED = {
    "$defs": {"A": {"type": "object", "properties": {"a": {"$ref": "#/$defs/A"}}, "required": ["a"]}},
    "$ref": "#/$defs/A",
}

# (case, raw body, status, param or None)
MALFORMED = [
    ("10k-deep JSON body", deep(10_000).encode(), 400, None),
    ("10k-deep JSON in a field", with_raw("metadata", deep(10_000)), 400, None),
    ("500-deep JSON in a field", with_raw("metadata", deep(500)), 400, None),
    ("integer over 4,300 digits", with_raw("max_tokens", "9" * 4301), 400, None),
    ("integer over 4,300 digits in sim", body()[:-2] + b', "seed": ' + b"7" * 5000 + b"}}", 400, None),
    ("NaN literal", with_raw("temperature", "NaN"), 400, None),
    ("Infinity literal", body()[:-2] + b', "ttft_ms": Infinity}}', 400, None),
    ("lone surrogate in the model name", body().replace(b'"sim-fast"', b'"sim-\\ud800"'), 400, "model"),
    (
        "lone surrogate in the text",
        body().replace(b"Paris", b"Par\\udc00is"),
        400,
        "messages[0].content",
    ),
    (
        "lone surrogate in sim.text",
        body(sim={"text": "x"}).replace(b'"x"', b'"\\ud83d"'),
        400,
        "sim.text",
    ),
    (
        "function not an object",
        body(tools=[{"type": "function", "function": "f"}]),
        400,
        "tools[0].function",
    ),
    (
        "function without a name",
        body(tools=[{"type": "function", "function": {}}]),
        400,
        "tools[0].function.name",
    ),
    (
        "function name not a string",
        body(tools=[{"type": "function", "function": {"name": [1]}}]),
        400,
        "tools[0].function.name",
    ),
    ("parameters not an object", body(tools=tool(5)), 400, "tools[0].function.parameters"),
    (
        "properties not an object",
        body(tools=tool({"type": "object", "properties": 5})),
        400,
        "tools[0].function.parameters",
    ),
    (
        "property schema not an object",
        body(tools=tool({"type": "object", "properties": {"city": 5}})),
        400,
        "tools[0].function.parameters",
    ),
    (
        "json_schema not an object",
        body(response_format={"type": "json_schema", "json_schema": 5}),
        400,
        None,
    ),
    (
        "schema not an object",
        body(response_format=answer_format(5)),
        400,
        "response_format.json_schema.schema",
    ),
    (
        "tool_choice.function not an object",
        body(tools=tool(OBJECT), tool_choice={"type": "function", "function": 5}),
        400,
        None,
    ),
    ("$ref: 5", body(tools=tool({"$ref": 5})), 400, "tools[0].function.parameters"),
    (
        "$ref to nowhere",
        body(tools=tool({"$ref": "#/$defs/Missing"})),
        400,
        "tools[0].function.parameters",
    ),
    (
        "$defs not an object",
        body(response_format=answer_format({"$defs": 5, "type": "object"})),
        400,
        None,
    ),
    ("enum: []", body(tools=tool({"type": "object", "properties": {"u": {"enum": []}}})), 400, None),
    ("anyOf: []", body(response_format=answer_format({"anyOf": []})), 400, None),
    ("allOf: []", body(response_format=answer_format({"allOf": []})), 400, None),
    ("oneOf: 5", body(response_format=answer_format({"oneOf": 5})), 400, None),
    ("anyOf: [5]", body(response_format=answer_format({"anyOf": [5]})), 400, None),
    ("items: 5", body(response_format=answer_format({"type": "array", "items": 5})), 400, None),
    ("type: 5", body(response_format=answer_format({"type": 5})), 400, None),
    ("required: 5", body(response_format=answer_format({"type": "object", "required": 5})), 400, None),
    (
        "recursive $ref, no finite value",
        body(response_format=answer_format(RECURSIVE_REQUIRED)),
        400,
        None,
    ),
    (
        "recursive $ref in a tool",
        body(tools=tool(RECURSIVE_REQUIRED)),
        400,
        "tools[0].function.parameters",
    ),
    ("body is a list", b"[1, 2]", 400, None),
    ("body is empty", b"", 400, None),
    ("body is not UTF-8", b'{"model": "\xff"}', 400, None),
]


@pytest.fixture
def server_log():
    """Log records the simulator (and uvicorn, for crashes) emit during the test."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.INFO)
    handler.emit = records.append  # type: ignore[method-assign]
    loggers = [logging.getLogger("uvicorn.error"), logging.getLogger("streamlab.sim")]
    for logger in loggers:
        logger.addHandler(handler)
    yield records
    for logger in loggers:
        logger.removeHandler(handler)


@pytest.mark.parametrize("case, raw, status, param", MALFORMED, ids=[c[0] for c in MALFORMED])
def test_malformed_request_when_sent_then_openai_4xx_and_one_log_line(
    sim_base_url, server_log, case, raw, status, param
):
    response = loopback.post(
        sim_base_url + "/chat/completions",
        content=raw,
        headers={"content-type": "application/json", **AUTH},
        timeout=10,
    )
    assert response.status_code == status, response.text[:300]
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error" and error["message"] and error["code"]
    if param is not None:
        assert error["param"] == param
    assert [r.exc_info for r in server_log] == [None], "one log line, no traceback"
    assert "\n" not in server_log[0].getMessage()


class Tree(BaseModel):
    """A tree of numbers."""

    value: int
    children: list[Tree] = []


@pytest.mark.parametrize("method", ["json_schema", "function_calling"])
def test_structured_output_of_a_recursive_model_when_invoked_then_valid_tree(sim_base_url, method):
    llm = build_chat_model(embedded_config(sim_base_url, profile=INSTANT))
    tree = llm.with_structured_output(Tree, method=method).invoke("A tree whose root holds 7")
    assert isinstance(tree, Tree) and tree.value == 7


# (case, schema, answer) — recursive or odd schemas that do have a finite value
ANSWERED = [
    (
        "recursion through a nullable field",
        {
            "$defs": {
                "Node": {
                    "type": "object",
                    "properties": {"next": {"anyOf": [{"$ref": "#/$defs/Node"}, {"type": "null"}]}},
                    "required": ["next"],
                }
            },
            "$ref": "#/$defs/Node",
        },
        {"next": None},
    ),
    (
        "recursion to the root through an array",
        {"type": "object", "properties": {"kids": {"type": "array", "items": {"$ref": "#"}}}},
        {"kids": []},
    ),
    (
        "recursion through an optional field",
        {
            "$defs": {
                "A": {
                    "type": "object",
                    "properties": {"city": {"type": "string"}, "a": {"$ref": "#/$defs/A"}},
                    "required": ["city"],
                }
            },
            "$ref": "#/$defs/A",
        },
        {"city": "Paris"},
    ),
    (
        "a 400-digit number in the prompt",
        {"type": "object", "properties": {"n": {"type": "integer"}}},
        None,
    ),
]


@pytest.mark.parametrize("case, schema, expected", ANSWERED, ids=[c[0] for c in ANSWERED])
def test_recursive_schema_when_finite_value_exists_then_answers_it(sim_base_url, case, schema, expected):
    content = "Weather for " + "9" * 400 if expected is None else "Weather in Paris"
    raw = body(messages=[{"role": "user", "content": content}], response_format=answer_format(schema))
    response = loopback.post(
        sim_base_url + "/chat/completions",
        content=raw,
        headers={"content-type": "application/json", **AUTH},
        timeout=10,
    )
    assert response.status_code == 200, response.text[:300]
    value = json.loads(response.json()["choices"][0]["message"]["content"])
    if expected is None:
        assert isinstance(value["n"], int) and len(str(value["n"])) < 400
    else:
        assert value == expected
