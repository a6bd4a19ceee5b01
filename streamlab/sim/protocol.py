"""The OpenAI chat-completions wire shapes: a plan as `chat.completion` or its chunks.

Shaped like OpenAI's objects field for field, so the real `openai` SDK and `ChatOpenAI`
parse the simulator's answers unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from streamlab.sim.plan import CompletionPlan

__all__ = ["completion_object", "stream_objects"]


def _chunk(plan: CompletionPlan, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    chunk: dict[str, Any] = {
        "id": plan.completion_id,
        "object": "chat.completion.chunk",
        "created": plan.created,
        "model": plan.model,
        "system_fingerprint": "fp_streamlab_sim",
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
    }
    if plan.include_usage:
        chunk["usage"] = None
    return chunk


def stream_objects(plan: CompletionPlan) -> Iterator[tuple[float | None, dict[str, Any]]]:
    """(due offset or None for "right after the previous one", chunk object) pairs, in OpenAI's order.

    The role chunk (and a tool call's name and id) is due with the first token, as a real server
    sends it when generation starts: a client timing its first chunk reads the true TTFT.
    """
    first: dict[str, Any] = {"role": "assistant", "content": "" if plan.tool_call is None else None}
    call = plan.tool_call
    if call:
        first["tool_calls"] = [
            {
                "index": 0,
                "id": call.call_id,
                "type": "function",
                "function": {"name": call.name, "arguments": ""},
            }
        ]
    yield plan.first_offset, _chunk(plan, first)
    for offset, piece in zip(plan.offsets, plan.pieces, strict=True):
        delta: dict[str, Any]
        if call:
            delta = {"tool_calls": [{"index": 0, "function": {"arguments": piece}}]}
        else:
            delta = {"content": piece}
        yield offset, _chunk(plan, delta)
    yield None, _chunk(plan, {}, plan.finish_reason)
    if plan.include_usage:
        usage_chunk = _chunk(plan, {})
        usage_chunk["choices"] = []
        usage_chunk["usage"] = plan.usage
        yield None, usage_chunk


def completion_object(plan: CompletionPlan) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": plan.text or None, "refusal": None}
    if plan.tool_call:
        message["tool_calls"] = [
            {
                "id": plan.tool_call.call_id,
                "type": "function",
                "function": {"name": plan.tool_call.name, "arguments": plan.tool_call.arguments},
            }
        ]
    else:
        message["content"] = plan.text
    return {
        "id": plan.completion_id,
        "object": "chat.completion",
        "created": plan.created,
        "model": plan.model,
        "system_fingerprint": "fp_streamlab_sim",
        "choices": [
            {"index": 0, "message": message, "logprobs": None, "finish_reason": plan.finish_reason}
        ],
        "usage": plan.usage,
    }
