"""Helpers for the Responses API tests: read a stream's events, check each against OpenAI's schemas.

events = post_events(sim_base_url, {"model": "sim-fast", "input": "Hi"})
# the request was checked as a `CreateResponse`, each event as a `ResponseStreamEvent`
# and as its own event schema (`ResponseTextDeltaEvent`...)
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from tests.support import loopback
from tests.support.openapi import SPEC_PATH, assert_valid

__all__ = [
    "FAST",
    "KEY",
    "WEATHER_TOOLS",
    "assert_valid_events",
    "event_schema",
    "post_events",
    "post_lines",
    "types_of",
]

FAST = {"ttft_ms": 0, "tokens_per_s": 0, "think_ms": 0}
"""A `sim` body for tests that check shapes, not timing."""
KEY = {"authorization": "Bearer sk-test"}
"""Headers with an API key: like OpenAI, the simulator answers a request without one with 401."""


def _function(name: str, what: str) -> dict[str, Any]:
    parameters = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    return {
        "type": "function",
        "name": name,
        "description": what,
        "parameters": parameters,
        "strict": True,
    }


WEATHER_TOOLS = [
    _function("get_weather", "Current weather in a city."),
    _function("get_local_time", "Local time in a city."),
]
"""Two Responses-style function tools a question can need together."""


@cache
def _event_schemas() -> dict[str, str]:
    spec = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    schemas = spec["components"]["schemas"]
    out = {}
    for option in schemas["ResponseStreamEvent"]["anyOf"]:
        name = option["$ref"].rsplit("/", 1)[-1]
        kind = schemas[name].get("properties", {}).get("type", {}).get("enum", [None])[0]
        if kind:
            out[kind] = name
    return out


def event_schema(kind: str) -> str:
    """The name of OpenAI's schema for one event type (`response.created` → `ResponseCreatedEvent`)."""
    return _event_schemas()[kind]


def assert_valid_events(events: list[dict[str, Any]]) -> None:
    """Each event is a `ResponseStreamEvent` and a valid instance of its own event schema."""
    for event in events:
        assert_valid(event_schema(event["type"]), event)
        assert_valid("ResponseStreamEvent", event)


def post_lines(base_url: str, body: dict[str, Any]) -> list[str]:
    """The non-empty SSE lines of one streamed `POST /responses`."""
    with loopback.stream(
        "POST", base_url + "/responses", json=body, headers=KEY, timeout=30
    ) as response:
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"].startswith("text/event-stream")
        return [line for line in response.iter_lines() if line]


def post_events(base_url: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    """The events of one streamed `POST /responses` (`stream` is set for you).

    The request must be a valid `CreateResponse` (besides `sim`), and every event is checked
    against OpenAI's schemas before it is returned.
    """
    request = {"stream": True, "sim": FAST, **body}
    assert_valid("CreateResponse", {k: v for k, v in request.items() if k != "sim"})
    lines = post_lines(base_url, request)
    events = [json.loads(line.removeprefix("data: ")) for line in lines if line.startswith("data: ")]
    assert_valid_events(events)
    return events


def types_of(events: list[dict[str, Any]]) -> list[str]:
    return [event["type"] for event in events]
