"""The completion plan: what the simulator will answer to a request, and when.

`plan_completion` decides the text (or tool call), the tokens, their due offsets and the
fault to inject; the server then only has to keep the schedule. Same request and seed →
same plan.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from streamlab.sim.answers import (
    ModelSpec,
    compose_answer,
    count_tokens,
    resolve_model,
    schedule,
    tokenize,
)
from streamlab.sim.arguments import identifier_words, quoted, value_for
from streamlab.sim.options import Fault, LatencyProfile
from streamlab.sim.request import ChatRequest, FunctionDefinition, NamedToolChoice

__all__ = ["CompletionPlan", "ToolCallPlan", "plan_completion"]


@dataclass(frozen=True, slots=True)
class ToolCallPlan:
    call_id: str
    name: str
    arguments: str


@dataclass(slots=True)
class CompletionPlan:
    model: str
    completion_id: str
    created: int
    pieces: list[str]  # content tokens, or argument pieces of a tool call
    offsets: list[float]  # seconds after request start at which each piece is due
    finish_reason: str
    prompt_tokens: int
    include_usage: bool
    tool_call: ToolCallPlan | None = None
    fault: Fault | None = None
    profile: LatencyProfile = field(default_factory=LatencyProfile)

    @property
    def first_offset(self) -> float:
        """When generation starts: the first token is due, and the role chunk goes out with it."""
        return self.offsets[0] if self.offsets else max(self.profile.ttft_ms, 0.0) / 1000.0

    @property
    def text(self) -> str:
        return "" if self.tool_call else "".join(self.pieces)

    @property
    def usage(self) -> dict[str, int]:
        completion = len(self.pieces)
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": completion,
            "total_tokens": self.prompt_tokens + completion,
        }


def _message_text(message: dict[str, Any]) -> str:
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
    prompt_tokens = sum(count_tokens(_message_text(m)) for m in request.messages)
    tool_call = _plan_tool_call(request, profile.seed)
    if tool_call:
        pieces, finish = _argument_pieces(tool_call.arguments), "tool_calls"
    else:
        pieces, finish = _answer_tokens(request, spec, profile)
    return CompletionPlan(
        model=request.model,
        completion_id=f"chatcmpl-{uuid.uuid4().hex[:24]}",
        created=int(time.time()),
        pieces=pieces,
        offsets=schedule(len(pieces), profile),
        finish_reason=finish,
        prompt_tokens=prompt_tokens,
        include_usage=bool((request.stream_options or {}).get("include_usage")),
        tool_call=tool_call,
        fault=Fault.parse(request.sim.fault) if request.sim.fault else None,
        profile=profile,
    )


def _answer_text(request: ChatRequest, spec: ModelSpec, seed: int) -> str:
    if request.sim.text is not None:
        return request.sim.text
    last = request.messages[-1]
    if last.get("role") == "tool":
        return f"The tool returned {_message_text(last)}, so that is the answer."
    schema = _response_schema(request)
    if schema is not None:
        return json.dumps(value_for(schema, _prompt_of(request)), ensure_ascii=False)
    varied_seed = seed if request.temperature != 0 else 0
    return compose_answer(_prompt_of(request), paragraphs=spec.paragraphs, seed=varied_seed)


def _answer_tokens(
    request: ChatRequest, spec: ModelSpec, profile: LatencyProfile
) -> tuple[list[str], str]:
    text = _answer_text(request, spec, profile.seed)
    for stop in [request.stop] if isinstance(request.stop, str) else request.stop or []:
        if stop and stop in text:
            text = text[: text.index(stop)]
    tokens = tokenize(text)
    limit = request.max_completion_tokens or request.max_tokens or profile.max_tokens
    if limit is not None and len(tokens) > limit:
        return tokens[:limit], "length"
    return tokens, "stop"


def _prompt_of(request: ChatRequest) -> str:
    users = [m for m in request.messages if m.get("role") in ("user", "human")]
    return _message_text(users[-1] if users else request.messages[-1])


def _response_schema(request: ChatRequest) -> dict[str, Any] | None:
    fmt = request.response_format
    if fmt is None:
        return None
    if fmt.type == "json_schema":
        schema = fmt.json_schema.schema_ if fmt.json_schema else None
        return {"type": "object"} if schema is None else schema
    if fmt.type == "json_object":
        # JSON mode carries no schema: like a real model, follow the keys the prompt names.
        instructions = " ".join(
            _message_text(m)
            for m in request.messages
            if m.get("role") in ("system", "developer", "user")
        )
        keys = [q for q in quoted(instructions) if re.fullmatch(r"[A-Za-z_]\w{0,40}", q)]
        props = {key: {"type": "string"} for key in keys or ["answer"]}
        return {"type": "object", "properties": props}
    return None


def _chosen_tool(request: ChatRequest) -> FunctionDefinition | None:
    functions = [t.function for t in request.tools or []]
    by_name = {f.name: f for f in functions}
    choice = request.tool_choice
    if not functions or choice == "none" or request.messages[-1].get("role") == "tool":
        return None
    if request.sim.tool_call:
        return by_name.get(request.sim.tool_call)
    if isinstance(choice, NamedToolChoice):
        return by_name.get(choice.function.name)
    prompt = _prompt_of(request).lower()
    named = [f for f in functions if f.name.lower() in prompt]
    prompt_words = set(re.findall(r"\w+", prompt))
    relevant = [f for f in functions if _name_words(f.name) & prompt_words]
    if named or relevant:
        return (named or relevant)[0]
    return functions[0] if choice in ("required", "any") else None


_GENERIC_NAME_WORDS = {
    "get",
    "set",
    "fetch",
    "call",
    "run",
    "do",
    "make",
    "my",
    "tool",
    "function",
    "the",
    "a",
    "of",
    "for",
    "to",
    "by",
    "from",
    "and",
    "with",
    "info",
    "data",
}


def _name_words(name: str) -> set[str]:
    """Meaningful words of a tool name: `get_weather` → {"weather"}, `searchDocs` → {"search", "docs"}.

    A real model calls a tool when the question is about what the tool does; matching the
    name's words is the simulator's deterministic stand-in for that judgement.
    """
    return {w for w in identifier_words(name) if len(w) > 2} - _GENERIC_NAME_WORDS


def _plan_tool_call(request: ChatRequest, seed: int) -> ToolCallPlan | None:
    tool = _chosen_tool(request)
    if tool is None:
        return None
    arguments = value_for(tool.parameters or {"type": "object"}, _prompt_of(request))
    call_id = f"call_{uuid.uuid4().hex[:20]}"
    # ensure_ascii=False: OpenAI streams non-ASCII arguments as characters, not \uXXXX escapes.
    return ToolCallPlan(call_id, tool.name, json.dumps(arguments, ensure_ascii=False))


def _argument_pieces(arguments: str) -> list[str]:
    # OpenAI streams tool arguments as arbitrary partial-JSON slices; fixed 5-char slices
    # make that visible (`{"inp`, `ut": `, `3}`) while staying deterministic.
    return [arguments[i : i + 5] for i in range(0, len(arguments), 5)] or [""]
