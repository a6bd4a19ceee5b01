"""Reasoning models on POST /v1/responses: a summary streamed before the answer, own thinking time."""

from __future__ import annotations

import json
import time

import pytest

from streamlab.sim.models import resolve_model
from streamlab.sim.responses.reasoning import REASONING_MODELS, reasoning_model, thinking_for
from streamlab.sim.responses.request import parse_responses_request
from tests.support import loopback
from tests.support.openapi import assert_valid
from tests.support.responses import FAST, KEY, assert_valid_events, post_events, types_of

THINK = {"model": "sim-reasoning", "input": "Explain RAG", "reasoning": {"summary": "auto"}}


def compact(kinds: list[str]) -> list[str]:
    return [k for i, k in enumerate(kinds) if not (k.endswith(".delta") and kinds[i - 1] == k)]


def test_summary_when_asked_then_streams_in_parts_before_the_answer(sim_base_url):
    events = post_events(sim_base_url, THINK)
    assert_valid_events(events)
    assert compact(types_of(events)) == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.reasoning_summary_part.added",
        "response.reasoning_summary_text.delta",
        "response.reasoning_summary_text.done",
        "response.reasoning_summary_part.done",
        "response.reasoning_summary_part.added",
        "response.reasoning_summary_text.delta",
        "response.reasoning_summary_text.done",
        "response.reasoning_summary_part.done",
        "response.output_item.done",
        "response.output_item.added",
        "response.content_part.added",
        "response.output_text.delta",
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    reasoning = events[-1]["response"]["output"][0]
    parts = [e for e in events if e["type"] == "response.reasoning_summary_text.done"]
    assert [p["summary_index"] for p in parts] == [0, 1]
    assert [s["text"] for s in reasoning["summary"]] == [p["text"] for p in parts]
    assert parts[0]["text"].startswith("**Understanding the question**\n\n")
    assert "RAG" in parts[0]["text"]


def test_summary_when_not_asked_then_reasoning_item_without_summary_events(sim_base_url):
    events = post_events(sim_base_url, {**THINK, "reasoning": {"effort": "medium"}})
    assert_valid_events(events)
    assert not any("reasoning_summary" in kind for kind in types_of(events))
    final = events[-1]["response"]
    assert final["output"][0] == {"id": final["output"][0]["id"], "type": "reasoning", "summary": []}
    assert final["usage"]["output_tokens_details"]["reasoning_tokens"] > 0


def test_usage_when_reasoning_then_output_tokens_include_reasoning_tokens(sim_base_url):
    final = post_events(sim_base_url, THINK)[-1]["response"]
    answer = final["output"][1]["content"][0]["text"]
    usage = final["usage"]
    reasoning = usage["output_tokens_details"]["reasoning_tokens"]
    assert reasoning > 0
    assert usage["output_tokens"] > reasoning  # the answer's tokens on top
    assert final["reasoning"] == {"effort": "medium", "summary": "auto"}
    assert answer


def arrival_ms(base_url: str, body: dict) -> dict[str, float]:
    """When the first event of each type arrived, in ms after the request was sent."""
    first: dict[str, float] = {}
    start = time.perf_counter()
    with loopback.stream(
        "POST", base_url + "/responses", json={**body, "stream": True}, headers=KEY, timeout=30
    ) as r:
        for line in r.iter_lines():
            if line.startswith("data: "):
                kind = json.loads(line[6:])["type"]
                first.setdefault(kind, (time.perf_counter() - start) * 1000)
    return first


def test_thinking_time_when_set_then_first_thought_at_ttft_and_first_word_after_thinking(sim_base_url):
    sim = {"ttft_ms": 150, "tokens_per_s": 1000, "think_ms": 600}
    first = arrival_ms(sim_base_url, {**THINK, "sim": sim})
    thought, word = first["response.reasoning_summary_text.delta"], first["response.output_text.delta"]
    assert first["response.created"] < thought  # lifecycle events go out at once, as OpenAI's do
    assert 150 <= thought < 150 + 1000  # upper bounds leave room for a loaded machine
    assert 750 <= word < 750 + 1000
    assert word - thought >= 600 - 50


def test_thinking_time_when_no_summary_then_first_word_still_waits(sim_base_url):
    sim = {"ttft_ms": 50, "tokens_per_s": 0, "think_ms": 400}
    first = arrival_ms(sim_base_url, {**THINK, "reasoning": None, "sim": sim})
    assert "response.reasoning_summary_text.delta" not in first
    assert first["response.output_text.delta"] >= 450


def plan_of(body: dict):
    request = parse_responses_request(json.dumps({"input": "Explain RAG", **body}).encode())
    return thinking_for(request)


@pytest.mark.parametrize(
    "effort, think_s",
    [("low", 0.6), ("medium", 1.2), ("high", 2.4), ("minimal", 0.3)],
)
def test_default_thinking_time_when_effort_changes_then_scales(effort, think_s):
    thinking = plan_of({"model": "sim-reasoning", "reasoning": {"effort": effort}})
    assert thinking is not None and thinking.think_s == pytest.approx(think_s)


def test_thinking_time_when_sim_sets_it_then_effort_does_not_change_it():
    thinking = plan_of({"model": "o4-mini", "reasoning": {"effort": "high"}, "sim": {"think_ms": 250}})
    assert thinking is not None and thinking.think_s == pytest.approx(0.25)


@pytest.mark.parametrize(
    "model, reasons",
    [
        ("sim-reasoning", True),
        ("o4-mini", True),
        ("o4-mini-2025-04-16", True),
        ("gpt-5-nano", True),
        ("sim-fast", False),
        ("gpt-4o-mini", False),
    ],
)
def test_reasoning_model_when_named_then_recognised(model, reasons):
    assert (reasoning_model(model) is not None) is reasons


def test_reasoning_models_when_listed_then_every_one_is_a_known_model(sim_base_url):
    listed = loopback.get(sim_base_url + "/models", headers=KEY).json()["data"]
    assert set(REASONING_MODELS) <= {m["id"] for m in listed}
    assert all(resolve_model(name) is not None for name in REASONING_MODELS)


def test_effort_none_when_model_allows_it_then_no_reasoning_item(sim_base_url):
    events = post_events(sim_base_url, {**THINK, "model": "gpt-5.1", "reasoning": {"effort": "none"}})
    final = events[-1]["response"]
    assert [o["type"] for o in final["output"]] == ["message"]
    assert final["usage"]["output_tokens_details"]["reasoning_tokens"] == 0


def test_more_effort_when_asked_then_more_reasoning_tokens(sim_base_url):
    def tokens(effort: str) -> int:
        body = {**THINK, "reasoning": {"effort": effort, "summary": "auto"}}
        return post_events(sim_base_url, body)[-1]["response"]["usage"]["output_tokens_details"][
            "reasoning_tokens"
        ]

    assert tokens("low") < tokens("medium") < tokens("high")


def test_max_output_tokens_when_reasoning_uses_it_up_then_incomplete_without_message(sim_base_url):
    events = post_events(sim_base_url, {**THINK, "max_output_tokens": 16})
    assert_valid_events(events)
    final = events[-1]
    assert final["type"] == "response.incomplete"
    assert [o["type"] for o in final["response"]["output"]] == ["reasoning"]
    assert "response.output_text.delta" not in types_of(events)


def test_encrypted_content_when_included_then_on_the_done_reasoning_item(sim_base_url):
    body = {**THINK, "include": ["reasoning.encrypted_content"], "store": False, "sim": FAST}
    reply = loopback.post(sim_base_url + "/responses", json=body, headers=KEY, timeout=30).json()
    assert_valid("Response", reply)
    assert reply["output"][0]["encrypted_content"].startswith("gAAAAA")
