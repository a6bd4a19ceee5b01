"""The OpenAI chat-completions wire shapes: a plan as `chat.completion` or its chunks.

Shaped like OpenAI's objects field for field, so the real `openai` SDK and `ChatOpenAI`
parse the simulator's answers unchanged.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterator
from typing import Any

from streamlab.sim.plan import ChoicePlan, CompletionPlan

__all__ = ["completion_object", "sse_event", "stream_events", "stream_objects"]

FINGERPRINT = "fp_streamlab_sim"
Timed = tuple[float | None, dict[str, Any]]


def _chunk(plan: CompletionPlan, choice: dict[str, Any]) -> dict[str, Any]:
    chunk: dict[str, Any] = {
        "id": plan.completion_id,
        "object": "chat.completion.chunk",
        "created": plan.created,
        "model": plan.model,
        "system_fingerprint": FINGERPRINT,
        "choices": [choice],
    }
    if plan.include_usage:
        chunk["usage"] = None
    return chunk


def _call_header(choice: ChoicePlan, k: int) -> dict[str, Any]:
    call = choice.tool_calls[k]
    function = {"name": call.name, "arguments": ""}
    return {"index": k, "id": call.call_id, "type": "function", "function": function}


def _part(
    index: int, delta: dict[str, Any], logprobs: Any = None, finish: str | None = None
) -> dict[str, Any]:
    return {"index": index, "delta": delta, "logprobs": logprobs, "finish_reason": finish}


def _choice_objects(plan: CompletionPlan, choice: ChoicePlan) -> Iterator[tuple[float, dict[str, Any]]]:
    """One choice's chunks, each with its due offset."""
    index, calls, logprobs = choice.index, choice.tool_calls, choice.logprobs
    start = choice.offsets[0] if choice.offsets else plan.first_offset
    first: dict[str, Any] = {"role": "assistant", "content": None if calls else ""}
    if calls:
        first["tool_calls"] = [_call_header(choice, 0)]
    yield start, _chunk(plan, _part(index, first))
    current = 0
    owners = choice.piece_calls or [0] * len(choice.pieces)
    for k, (due, piece, owner) in enumerate(zip(choice.offsets, choice.pieces, owners, strict=True)):
        if not calls:
            chosen = None if logprobs is None else {"content": logprobs[k : k + 1], "refusal": None}
            yield due, _chunk(plan, _part(index, {"content": piece}, chosen))
            continue
        if owner != current:  # the next call opens with its id and name, then its arguments
            current = owner
            yield due, _chunk(plan, _part(index, {"tool_calls": [_call_header(choice, owner)]}))
        arguments = {"tool_calls": [{"index": owner, "function": {"arguments": piece}}]}
        yield due, _chunk(plan, _part(index, arguments))
    end = choice.offsets[-1] if choice.offsets else start
    yield end, _chunk(plan, _part(index, {}, finish=choice.finish_reason))


def stream_objects(plan: CompletionPlan) -> Iterator[Timed]:
    """(due offset or None for "right after the previous one", chunk object) pairs, in OpenAI's order.

    The role chunk (and a tool call's name and id) is due with the first token, as a real server
    sends it when generation starts: a client timing its first chunk reads the true TTFT. With
    `n` > 1 the choices' chunks interleave by due time, as OpenAI's do.
    """
    if len(plan.choices) == 1:
        yield from _choice_objects(plan, plan.choices[0])
    else:
        yield from heapq.merge(*(_choice_objects(plan, c) for c in plan.choices), key=lambda t: t[0])
    if plan.include_usage:
        yield None, _usage_chunk(plan)


def _usage_chunk(plan: CompletionPlan) -> dict[str, Any]:
    chunk = _chunk(plan, {})
    chunk["choices"], chunk["usage"] = [], plan.usage
    return chunk


def sse_event(obj: dict[str, Any]) -> bytes:
    """One object as a server-sent event: `data: {...}` and a blank line."""
    return b"data: " + json.dumps(obj, separators=(",", ":")).encode() + b"\n\n"


def _content(obj: dict[str, Any]) -> str:
    choices = obj.get("choices") or [{}]
    return choices[0].get("delta", {}).get("content") or ""


def stream_events(plan: CompletionPlan) -> Iterator[tuple[float | None, bytes, str]]:
    """`stream_objects` encoded: (due, SSE bytes, the content text it carries) per chunk.

    A plain text answer (one choice, no logprobs), the lessons' usual stream, takes a fast
    path: its content chunks differ only in their text, so each is the same bytes around
    `json.dumps(token)`, the very bytes `sse_event` would write for it (a test holds them
    equal). The bench's 4,000-chunk answers spend most of their server time here.
    """
    choice = plan.choices[0]
    if len(plan.choices) > 1 or choice.tool_calls or choice.logprobs is not None:
        for due, obj in stream_objects(plan):
            yield due, sse_event(obj), _content(obj)
        return
    start = choice.offsets[0] if choice.offsets else plan.first_offset
    yield start, sse_event(_chunk(plan, _part(0, {"role": "assistant", "content": ""}))), ""
    template = sse_event(_chunk(plan, _part(0, {"content": "\x00"})))
    head, tail = template.split(b'"\\u0000"')
    for due, piece in zip(choice.offsets, choice.pieces, strict=True):
        yield due, head + json.dumps(piece).encode() + tail, piece
    end = choice.offsets[-1] if choice.offsets else start
    yield end, sse_event(_chunk(plan, _part(0, {}, finish=choice.finish_reason))), ""
    if plan.include_usage:
        yield None, sse_event(_usage_chunk(plan)), ""


def _message(choice: ChoicePlan) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": choice.text, "refusal": None}
    if choice.tool_calls:
        message["content"] = None
        message["tool_calls"] = [
            {
                "id": call.call_id,
                "type": "function",
                "function": {"name": call.name, "arguments": call.arguments},
            }
            for call in choice.tool_calls
        ]
    return message


def completion_object(plan: CompletionPlan) -> dict[str, Any]:
    return {
        "id": plan.completion_id,
        "object": "chat.completion",
        "created": plan.created,
        "model": plan.model,
        "system_fingerprint": FINGERPRINT,
        "choices": [
            {
                "index": c.index,
                "message": _message(c),
                "logprobs": None if c.logprobs is None else {"content": c.logprobs, "refusal": None},
                "finish_reason": c.finish_reason,
            }
            for c in plan.choices
        ],
        "usage": plan.usage,
    }
