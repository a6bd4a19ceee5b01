"""The Responses API wire objects: a plan as a `response` object and its output items.

Shaped field for field like OpenAI's `Response`, so `client.responses.create/stream/parse` and
`ChatOpenAI(use_responses_api=True)` read the simulator's answers unchanged. The same builders
serve the non-streaming body, the lifecycle events and the `output_item.done` events.
"""

from __future__ import annotations

import base64
import hashlib
import time
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from streamlab.sim.responses.plan import PlannedItem, ResponsePlan

__all__ = ["Status", "item_object", "response_object"]

Status = Literal["in_progress", "completed", "incomplete", "failed"]


def _summary(item: PlannedItem) -> list[dict[str, str]]:
    return [{"type": "summary_text", "text": item.text(k)} for k in range(len(item.parts))]


def item_object(
    plan: ResponsePlan, item: PlannedItem, state: Literal["added", "done"], sent: int | None = None
) -> dict[str, Any]:
    """An output item as announced (`added`: empty) or finished (`done`).

    `sent` (pieces streamed so far) gives a partial `done` item for a failed response.
    """
    done = state == "done"
    if item.kind == "reasoning":
        reasoning: dict[str, Any] = {"id": item.item_id, "type": "reasoning", "summary": []}
        if done:
            reasoning["summary"] = _summary(item)
            if "reasoning.encrypted_content" in (plan.request.include or []):
                # Opaque, like OpenAI's: a stateless client sends it back; nobody reads it.
                digest = hashlib.sha256(f"{plan.response_id}\x1f{item.item_id}".encode()).digest()
                reasoning["encrypted_content"] = "gAAAAA" + base64.urlsafe_b64encode(digest * 4).decode()
        return reasoning
    pieces = item.parts[0] if item.parts else ()
    text = "".join(pieces[:sent]) if done else ""
    status = "in_progress"
    if done:
        status = "completed" if item.complete and (sent is None or sent >= len(pieces)) else "incomplete"
    if item.kind == "function_call":
        return {
            "id": item.item_id,
            "type": "function_call",
            "status": status,
            "arguments": text,
            "call_id": item.call_id,
            "name": item.name,
        }
    content = [_text_part(text, list(item.logprobs[:sent]))] if done else []
    return {
        "id": item.item_id,
        "type": "message",
        "status": status,
        "content": content,
        "role": "assistant",
    }


def _text_part(text: str, logprobs: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "output_text", "annotations": [], "logprobs": logprobs, "text": text}


def response_object(
    plan: ResponsePlan,
    status: Status,
    output: list[dict[str, Any]] | None = None,
    *,
    error: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The `response` object; usage and `completed_at` only once it has ended."""
    request = plan.request
    ended = status != "in_progress"
    thinking = plan.thinking
    reasoning: dict[str, str | None] = {"effort": None, "summary": None}
    if thinking is not None:
        reasoning = {"effort": thinking.effort, "summary": thinking.summary}
    elif request.reasoning is not None and request.reasoning.effort == "none":
        reasoning = {"effort": "none", "summary": None}
    fmt = request.text.format if request.text and request.text.format else None
    response: dict[str, Any] = {
        "id": plan.response_id,
        "object": "response",
        "created_at": plan.created_at,
        "status": status,
        "background": False,
        "completed_at": int(time.time()) if status == "completed" else None,
        "error": error,
        "incomplete_details": {"reason": "max_output_tokens"} if status == "incomplete" else None,
        "instructions": request.instructions,
        "max_output_tokens": request.max_output_tokens,
        "max_tool_calls": request.max_tool_calls,
        "model": request.model,
        "output": output or [],
        "parallel_tool_calls": request.parallel_tool_calls is not False,
        "previous_response_id": None,
        "prompt_cache_key": request.prompt_cache_key,
        "reasoning": reasoning,
        "safety_identifier": request.safety_identifier,
        "service_tier": "default",
        "store": request.store is not False,
        "temperature": 1.0 if request.temperature is None else request.temperature,
        "text": {
            "format": fmt.model_dump(by_alias=True, exclude_none=True) if fmt else {"type": "text"},
            "verbosity": (request.text.verbosity if request.text else None) or "medium",
        },
        "tool_choice": _tool_choice(plan),
        "tools": [
            {**tool.model_dump(exclude_none=True), "strict": tool.strict is not False}
            | {"parameters": tool.parameters}
            for tool in request.functions
        ],
        "top_logprobs": request.top_logprobs or 0,
        "top_p": 1.0 if request.top_p is None else request.top_p,
        "truncation": request.truncation or "disabled",
        "metadata": request.metadata or {},
    }
    if ended:  # usage is known at the end only; OpenAI's schema has no null for it
        response["usage"] = plan.usage
    if request.user is not None:  # deprecated, and not nullable in OpenAI's schema: only echoed
        response["user"] = request.user
    return response


def _tool_choice(plan: ResponsePlan) -> str | dict[str, str]:
    choice = plan.request.tool_choice
    if choice is None:
        return "auto"
    return choice if isinstance(choice, str) else {"type": "function", "name": choice.name}
