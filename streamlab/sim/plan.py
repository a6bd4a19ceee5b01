"""The completion plan: what the simulator will answer to a request, and when.

`plan_completion` decides each choice's text (or tool calls), its tokens, their due offsets
and the fault to inject; the server then only has to keep the schedule. Same request and
seed → same plan.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from streamlab.sim.answers import (
    ModelSpec,
    compose_answer,
    count_tokens,
    resolve_model,
    schedule,
    tokenize,
)
from streamlab.sim.arguments import value_for
from streamlab.sim.formats import json_mode_prompt, response_schema
from streamlab.sim.logprobs import token_logprobs
from streamlab.sim.options import Fault, LatencyProfile
from streamlab.sim.tools import ToolCallPlan, argument_pieces, plan_tool_calls
from streamlab.sim.writing import tool_reply

if TYPE_CHECKING:
    from streamlab.sim.request import ChatRequest

__all__ = ["ChoicePlan", "CompletionPlan", "ToolCallPlan", "message_text", "plan_completion"]


@dataclass(slots=True)
class ChoicePlan:
    """One of the `n` answers: its pieces (tokens, or tool-call argument slices) and when each is due."""

    index: int
    pieces: list[str]
    offsets: list[float]  # seconds after request start at which each piece is due
    finish_reason: str
    tool_calls: list[ToolCallPlan] = field(default_factory=list)
    piece_calls: list[int] = field(default_factory=list)
    """For tool calls: the index (in `tool_calls`) of the call each piece belongs to."""
    logprobs: list[dict[str, Any]] | None = None
    """With `logprobs: true`: one `ChatCompletionTokenLogprob` per text token."""

    @property
    def text(self) -> str:
        return "" if self.tool_calls else "".join(self.pieces)


@dataclass(slots=True)
class CompletionPlan:
    model: str
    completion_id: str
    created: int
    choices: list[ChoicePlan]
    prompt_tokens: int
    include_usage: bool
    fault: Fault | None = None
    profile: LatencyProfile = field(default_factory=LatencyProfile)

    # The first choice, for code that plans one answer (the Responses API, the traces).
    @property
    def pieces(self) -> list[str]:
        return self.choices[0].pieces

    @property
    def offsets(self) -> list[float]:
        return self.choices[0].offsets

    @property
    def finish_reason(self) -> str:
        return self.choices[0].finish_reason

    @property
    def tool_calls(self) -> list[ToolCallPlan]:
        return self.choices[0].tool_calls

    @property
    def tool_call(self) -> ToolCallPlan | None:
        return self.tool_calls[0] if self.tool_calls else None

    @property
    def text(self) -> str:
        return self.choices[0].text

    @property
    def first_offset(self) -> float:
        """When generation starts: the first token is due, and the role chunk goes out with it."""
        return self.offsets[0] if self.offsets else max(self.profile.ttft_ms, 0.0) / 1000.0

    @property
    def last_offset(self) -> float:
        """When the last piece of any choice is due: the whole answer is ready."""
        return max((c.offsets[-1] for c in self.choices if c.offsets), default=0.0)

    @property
    def usage(self) -> dict[str, Any]:
        completion = sum(len(c.pieces) for c in self.choices)
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": completion,
            "total_tokens": self.prompt_tokens + completion,
            # What OpenAI itemises; the simulator caches nothing, hears and speaks no audio,
            # and its models do not reason in hidden tokens.
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 0,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        }


def message_text(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, list):  # content blocks: keep the text ones
        return " ".join(str(b.get("text", "")) for b in content if isinstance(b, dict))
    return "" if content is None else str(content)


def _profile_for(spec: ModelSpec, request: ChatRequest) -> LatencyProfile:
    profile = spec.profile
    if request.seed is not None:
        profile = profile.with_overrides({"seed": request.seed})
    overrides = request.sim.model_dump(exclude_none=True)
    return profile.with_overrides(overrides)


def plan_completion(request: ChatRequest) -> CompletionPlan:
    spec = resolve_model(request.model)
    assert spec is not None  # checked by parse_request
    profile = _profile_for(spec, request)
    prompt = _prompt_of(request)
    choices = []
    for index in range(request.n or 1):
        calls = plan_tool_calls(request, prompt)
        if calls:
            slices = [argument_pieces(c.arguments) for c in calls]
            pieces = [piece for call in slices for piece in call]
            owners = [k for k, call in enumerate(slices) for _ in call]
            finish = "tool_calls"
        else:
            pieces, finish = _answer_tokens(request, spec, profile, index)
            owners = []
        logprobs = None
        if request.logprobs and not calls:
            logprobs = token_logprobs(pieces, request.top_logprobs or 0, profile.seed + index)
        offsets = schedule(len(pieces), profile)
        choices.append(ChoicePlan(index, pieces, offsets, finish, calls, owners, logprobs))
    return CompletionPlan(
        model=request.model,
        completion_id=f"chatcmpl-{uuid.uuid4().hex[:24]}",
        created=int(time.time()),
        choices=choices,
        prompt_tokens=sum(count_tokens(message_text(m)) for m in request.messages),
        include_usage=bool((request.stream_options or {}).get("include_usage")),
        fault=Fault.parse(request.sim.fault) if request.sim.fault else None,
        profile=profile,
    )


def _answer_text(request: ChatRequest, spec: ModelSpec, seed: int) -> str:
    if request.sim.text is not None:
        return request.sim.text
    if request.messages[-1].get("role") == "tool":
        return tool_reply(_tool_results(request.messages))
    schema = response_schema(request)
    if schema is not None:
        prompt = _prompt_of(request)
        if request.response_format and request.response_format.type == "json_object":
            prompt = json_mode_prompt(prompt)  # the keys name the fields, not their values
        return json.dumps(value_for(schema, prompt), ensure_ascii=False)
    varied_seed = seed if request.temperature != 0 else 0
    return compose_answer(_prompt_of(request), paragraphs=spec.paragraphs, seed=varied_seed)


def _answer_tokens(
    request: ChatRequest, spec: ModelSpec, profile: LatencyProfile, index: int
) -> tuple[list[str], str]:
    # Each of the n choices is another sample: another seed, unless temperature 0 fixes it.
    text = _answer_text(request, spec, profile.seed + index)
    for stop in [request.stop] if isinstance(request.stop, str) else request.stop or []:
        if stop and stop in text:
            text = text[: text.index(stop)]
    tokens = tokenize(text)
    limit = request.max_completion_tokens or request.max_tokens or profile.max_tokens
    if limit is not None and len(tokens) > limit:
        return tokens[:limit], "length"
    return tokens, "stop"


def _tool_results(messages: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(tool name, result) of the tool messages that end the conversation, in order."""
    names: dict[str, str] = {}
    for message in messages:
        for call in message.get("tool_calls") or []:
            if isinstance(call, dict):
                names[str(call.get("id"))] = str((call.get("function") or {}).get("name") or "the tool")
    results: list[tuple[str, str]] = []
    for message in reversed(messages):
        if message.get("role") != "tool":
            break
        results.insert(
            0, (names.get(str(message.get("tool_call_id")), "the tool"), message_text(message))
        )
    return results


def _prompt_of(request: ChatRequest) -> str:
    users = [m for m in request.messages if m.get("role") == "user"]
    return message_text(users[-1] if users else request.messages[-1])
