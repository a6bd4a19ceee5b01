"""The response plan: which output items a Responses request gets, their pieces, and when.

The answer itself (text, tool calls and their arguments, the latency schedule) comes from
the chat planner, so both APIs answer a question the same way; this module adds what only
the Responses API has: typed output items, a reasoning item whose summary streams during
the model's thinking time, and `max_output_tokens` counting the hidden reasoning too.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from streamlab.sim.answers import schedule, tokenize
from streamlab.sim.errors import RequestError
from streamlab.sim.logprobs import token_logprobs
from streamlab.sim.options import Fault, LatencyProfile
from streamlab.sim.plan import ToolCallPlan, plan_completion
from streamlab.sim.request import ChatRequest
from streamlab.sim.responses.inputs import to_messages
from streamlab.sim.responses.reasoning import Thinking, thinking_for
from streamlab.sim.responses.request import ResponsesRequest, ToolChoiceFunction
from streamlab.sim.responses.thoughts import Situation, compose_thoughts
from streamlab.sim.tools import argument_pieces

LOGPROBS = "message.output_text.logprobs"  # the `include` value that asks for them

__all__ = ["PlannedItem", "ResponsePlan", "new_id", "plan_response"]

ItemKind = Literal["reasoning", "message", "function_call"]


def new_id(prefix: str) -> str:
    """`resp_…`, `msg_…`, `rs_…`, `fc_…`: OpenAI's prefixes, 48 hex digits after them."""
    return f"{prefix}_{secrets.token_hex(24)}"


@dataclass(frozen=True, slots=True)
class PlannedItem:
    """One output item and the pieces it streams, each with its due offset (s after the request)."""

    kind: ItemKind
    item_id: str
    parts: tuple[tuple[str, ...], ...]
    """Reasoning: one tuple of pieces per summary part (empty when no summary is sent);
    message: its text tokens; function_call: its argument pieces."""
    offsets: tuple[tuple[float, ...], ...]
    start: float
    """When the item begins: its first piece, or the answer's start when it has none."""
    call_id: str = ""
    name: str = ""
    complete: bool = True
    """False when `max_output_tokens` cut it short."""
    logprobs: tuple[dict[str, Any], ...] = ()
    """A message's token log probabilities, one per piece, when `include` asks for them."""

    def text(self, part: int = 0) -> str:
        return "".join(self.parts[part]) if part < len(self.parts) else ""


@dataclass(slots=True)
class ResponsePlan:
    request: ResponsesRequest
    response_id: str
    created_at: int
    items: list[PlannedItem]
    input_tokens: int
    output_tokens: int
    """Answer tokens sent plus hidden reasoning tokens, as OpenAI bills them."""
    reasoning_tokens: int
    incomplete: bool
    thinking: Thinking | None = None
    fault: Fault | None = None
    profile: LatencyProfile = field(default_factory=LatencyProfile)

    @property
    def end(self) -> float:
        """When the last piece is due (s)."""
        return max((o[-1] for item in self.items for o in item.offsets if o), default=0.0)

    @property
    def output_text(self) -> str:
        return "".join(item.text() for item in self.items if item.kind == "message")

    @property
    def usage(self) -> dict[str, Any]:
        return {
            "input_tokens": self.input_tokens,
            "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
            "output_tokens": self.output_tokens,
            "output_tokens_details": {"reasoning_tokens": self.reasoning_tokens},
            "total_tokens": self.input_tokens + self.output_tokens,
        }


def _chat_request(request: ResponsesRequest, messages: list[dict[str, Any]]) -> ChatRequest:
    body: dict[str, Any] = {
        "model": request.model,
        "messages": messages,
        "sim": request.sim,
        "temperature": request.temperature,
    }
    if request.tools:
        body["tools"] = [
            {"type": "function", "function": f.model_dump(include={"name", "description", "parameters"})}
            for f in request.functions
        ]
    choice = request.tool_choice
    if isinstance(choice, ToolChoiceFunction):
        body["tool_choice"] = {"type": "function", "function": {"name": choice.name}}
    elif choice is not None:
        body["tool_choice"] = choice
    if request.parallel_tool_calls is not None:
        body["parallel_tool_calls"] = request.parallel_tool_calls
    fmt = request.text.format if request.text else None
    if fmt is not None and fmt.type == "json_schema":
        schema = {"name": fmt.name, "schema": fmt.schema_, "strict": fmt.strict}
        body["response_format"] = {"type": "json_schema", "json_schema": schema}
    elif fmt is not None and fmt.type == "json_object":
        if not any("json" in str(m.get("content") or "").lower() for m in messages):
            message = (
                "Response input messages must contain the word 'json' in some form to use "
                "'text.format' of type 'json_object'."
            )
            raise RequestError(400, message, code="invalid_value", param="input")
        body["response_format"] = {"type": "json_object"}
    return ChatRequest.model_validate(body)


def _situation(
    request: ResponsesRequest, messages: list[dict[str, Any]], calls: list[ToolCallPlan]
) -> Situation:
    users = [m for m in messages if m["role"] == "user"]
    last = messages[-1]
    fmt = request.text.format if request.text else None
    keys: tuple[str, ...] | None = None
    if fmt is not None and fmt.type != "text":
        keys = tuple((fmt.schema_ or {}).get("properties", {})) if fmt.type == "json_schema" else ()
    return Situation(
        prompt=str((users[-1] if users else last).get("content") or ""),
        calls=tuple((c.name, c.arguments) for c in calls),
        tool_output=str(last.get("content") or "") if last["role"] == "tool" else None,
        json_keys=keys,
    )


def plan_response(request: ResponsesRequest) -> ResponsePlan:
    """What to answer and when; RequestError for inputs OpenAI refuses."""
    messages = to_messages(request.input, request.instructions)
    completion = plan_completion(_chat_request(request, messages))
    profile, thinking = completion.profile, thinking_for(request)
    calls = completion.tool_calls[: request.max_tool_calls]
    thoughts: list[tuple[str, ...]] = []
    if thinking is not None:
        situation = _situation(request, messages, calls)
        texts = compose_thoughts(situation, parts=thinking.summary_parts, seed=profile.seed)
        thoughts = [tuple(tokenize(text)) for text in texts]
    reasoning_tokens = sum(map(len, thoughts)) * (thinking.tokens_per_summary_token if thinking else 0)
    planned = [tuple(argument_pieces(c.arguments)) for c in calls] or [tuple(completion.pieces)]
    budget = None if request.max_output_tokens is None else request.max_output_tokens - reasoning_tokens
    answers, cut = _within(planned, budget)
    summary = thoughts if thinking is not None and thinking.summary else []
    items = _timed_items(profile, thinking, summary, calls, answers, planned)
    incomplete = cut or (not calls and completion.finish_reason == "length")
    if incomplete:  # a cut message says so; a cut call list keeps its whole calls complete
        items = [replace(i, complete=False) if i.kind == "message" else i for i in items]
    if LOGPROBS in (request.include or []):
        items = [_with_logprobs(i, request.top_logprobs or 0, profile.seed) for i in items]
    return ResponsePlan(
        request=request,
        response_id=new_id("resp"),
        created_at=int(time.time()),
        items=items,
        input_tokens=completion.prompt_tokens,
        output_tokens=sum(map(len, answers)) + reasoning_tokens,
        reasoning_tokens=reasoning_tokens,
        incomplete=incomplete,
        thinking=thinking,
        fault=Fault.parse(request.sim.fault) if request.sim.fault else None,
        profile=profile,
    )


def _timed_items(
    profile: LatencyProfile,
    thinking: Thinking | None,
    summary: list[tuple[str, ...]],
    calls: list[ToolCallPlan],
    answers: list[tuple[str, ...]],
    planned: list[tuple[str, ...]],
) -> list[PlannedItem]:
    """The output items with their schedule: the summary from `ttft_ms`, the answer once the
    thinking time has passed (and the summary has been sent), both at the profile's pace."""
    ttft = max(profile.ttft_ms, 0.0) / 1000.0
    gap = 1.0 / profile.tokens_per_s if profile.tokens_per_s > 0 else 0.0
    summary_offsets = schedule(sum(map(len, summary)), profile)
    start = ttft + (thinking.think_s if thinking else 0.0)
    if summary_offsets:
        start = max(start, summary_offsets[-1] + gap)
    answer_offsets = [t - ttft + start for t in schedule(sum(map(len, answers)), profile)]
    items: list[PlannedItem] = []
    if thinking is not None:
        parts = _split(summary_offsets, summary)
        first = parts[0][0] if summary else start
        items.append(PlannedItem("reasoning", new_id("rs"), tuple(summary), parts, first))
    timed = zip(answers, _split(answer_offsets, answers), planned, strict=False)
    if calls:
        for call, (pieces, offsets, whole) in zip(calls, timed, strict=False):
            at = offsets[0] if offsets else start
            item = PlannedItem(
                "function_call", new_id("fc"), (pieces,), (offsets,), at, call.call_id, call.name
            )
            items.append(replace(item, complete=pieces == whole))
    else:
        for pieces, offsets, _ in timed:
            at = offsets[0] if offsets else start
            items.append(PlannedItem("message", new_id("msg"), (pieces,), (offsets,), at))
    return items


def _with_logprobs(item: PlannedItem, top: int, seed: int) -> PlannedItem:
    if item.kind != "message":
        return item
    return replace(item, logprobs=tuple(token_logprobs(list(item.parts[0]), top, seed)))


def _within(parts: list[tuple[str, ...]], budget: int | None) -> tuple[list[tuple[str, ...]], bool]:
    """The pieces that fit in `budget` tokens (None: all), and whether any were cut."""
    if budget is None or sum(map(len, parts)) <= budget:
        return parts, False
    kept: list[tuple[str, ...]] = []
    left = budget
    for pieces in parts:
        if left <= 0:
            break  # reasoning alone can use up the budget: then no answer item at all
        kept.append(pieces[:left])
        left -= len(pieces)
    return kept, True


def _split(offsets: list[float], parts: list[tuple[str, ...]]) -> tuple[tuple[float, ...], ...]:
    out, i = [], 0
    for pieces in parts:
        out.append(tuple(offsets[i : i + len(pieces)]))
        i += len(pieces)
    return tuple(out)
