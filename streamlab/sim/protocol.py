"""The OpenAI chat-completions protocol spoken by the embedded simulator.

Turns a request body into a `CompletionPlan` (what to send, when, and which fault to
inject) and renders plans as `chat.completion` / `chat.completion.chunk` objects, shaped
like OpenAI's so the real `openai` SDK and `ChatOpenAI` parse them unchanged.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from streamlab.sim.answers import (
    LatencyProfile,
    ModelSpec,
    compose_answer,
    count_tokens,
    resolve_model,
    schedule,
    tokenize,
    topic_words,
)

__all__ = [
    "ChatRequest",
    "CompletionPlan",
    "Fault",
    "RequestError",
    "completion_object",
    "parse_request",
    "plan_completion",
    "stream_objects",
]

FAULTS = ("401", "429", "500", "timeout")


class RequestError(Exception):
    """A request the simulator refuses, mapped to an OpenAI-style error body."""

    def __init__(self, status: int, message: str, *, code: str, type_: str = "invalid_request_error"):
        super().__init__(message)
        self.status, self.message, self.code, self.type = status, message, code, type_

    def body(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "type": self.type, "code": self.code, "param": None}}


class SimOptions(BaseModel):
    """Per-request simulator controls, sent as the extra body field `sim`."""

    model_config = ConfigDict(extra="forbid")
    ttft_ms: float | None = Field(None, ge=0, le=120_000)
    tokens_per_s: float | None = Field(None, ge=0)
    jitter_ms: float | None = Field(None, ge=0)
    seed: int | None = None
    fault: str | None = None
    tool_call: str | None = None
    text: str | None = None  # exact answer text, e.g. to test HTML escaping in the UI
    # Record when each content chunk left the server, readable at GET /v1/sim/traces/{trace_id}.
    trace_id: str | None = Field(None, pattern=r"^[A-Za-z0-9_.-]{1,64}$")

    @field_validator("fault")
    @classmethod
    def _known_fault(cls, value: str | None) -> str | None:
        if value is None or value in FAULTS or re.fullmatch(r"drop_after:\d+", value):
            return value
        raise ValueError(f"unknown fault {value!r}; use one of {', '.join(FAULTS)} or drop_after:N")


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="allow")
    model: str
    messages: list[dict[str, Any]]
    stream: bool = False
    stream_options: dict[str, Any] | None = None
    max_tokens: int | None = None
    max_completion_tokens: int | None = None
    temperature: float | None = Field(None, ge=0, le=2)
    seed: int | None = None
    n: int = 1
    stop: str | list[str] | None = None
    tools: list[dict[str, Any]] | None = None
    tool_choice: str | dict[str, Any] | None = None
    response_format: dict[str, Any] | None = None
    sim: SimOptions = Field(default_factory=SimOptions)


def parse_request(raw: bytes) -> ChatRequest:
    try:
        payload = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RequestError(400, f"Request body is not valid JSON: {exc}", code="invalid_json") from exc
    try:
        request = ChatRequest.model_validate(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(map(str, first["loc"])) or "body"
        message = f"Invalid field '{where}': {first['msg']}"
        raise RequestError(422, message, code="invalid_field") from exc
    _check_semantics(request)
    return request


def _check_semantics(request: ChatRequest) -> None:
    if resolve_model(request.model) is None:
        raise RequestError(404, f"The model '{request.model}' does not exist.", code="model_not_found")
    if not request.messages:
        raise RequestError(400, "'messages' must contain at least one message.", code="empty_messages")
    for name in ("max_tokens", "max_completion_tokens"):
        value = getattr(request, name)
        if value is not None and value < 1:
            raise RequestError(400, f"'{name}' must be at least 1, got {value}.", code="invalid_value")
    if request.n != 1:
        raise RequestError(400, "Only n=1 is supported by the simulator.", code="invalid_value")


@dataclass(frozen=True, slots=True)
class Fault:
    kind: Literal["401", "429", "500", "timeout", "drop_after"]
    after: int = 0  # for drop_after: chunks sent before the connection is cut

    @classmethod
    def parse(cls, value: str | None) -> Fault | None:
        if not value:
            return None
        if value.startswith("drop_after:"):
            return cls("drop_after", int(value.split(":", 1)[1]))
        return cls(value)  # type: ignore[arg-type]


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
        fault=Fault.parse(request.sim.fault),
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
        return json.dumps(_value_for(schema, _prompt_of(request)), ensure_ascii=False)
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
    fmt = request.response_format or {}
    if fmt.get("type") == "json_schema":
        return fmt.get("json_schema", {}).get("schema", {"type": "object"})
    if fmt.get("type") == "json_object":
        # JSON mode carries no schema: like a real model, follow the keys the prompt names.
        instructions = " ".join(
            _message_text(m)
            for m in request.messages
            if m.get("role") in ("system", "developer", "user")
        )
        keys = [q for q in _quoted(instructions) if re.fullmatch(r"[A-Za-z_]\w{0,40}", q)]
        props = {key: {"type": "string"} for key in keys or ["answer"]}
        return {"type": "object", "properties": props}
    return None


_QUOTED_RE = re.compile(r"""(?:^|(?<=[\s(\[:]))['"“‘`]([^'"“”‘’`\n]{1,80})['"”’`](?=[\s).,:;!?\]]|$)""")


def _quoted(text: str) -> list[str]:
    """Strings the user put in quotes: `named 'Ada'`, `with "setup" keys`."""
    return _QUOTED_RE.findall(text)


def _chosen_tool(request: ChatRequest) -> dict[str, Any] | None:
    functions = [t.get("function", {}) for t in request.tools or [] if t.get("type") == "function"]
    by_name = {f.get("name"): f for f in functions}
    choice = request.tool_choice
    if not functions or choice == "none" or request.messages[-1].get("role") == "tool":
        return None
    if request.sim.tool_call:
        return by_name.get(request.sim.tool_call)
    if isinstance(choice, dict):
        return by_name.get(choice.get("function", {}).get("name"))
    prompt = _prompt_of(request).lower()
    named = [f for f in functions if str(f.get("name", "")).lower() in prompt]
    prompt_words = set(re.findall(r"\w+", prompt))
    relevant = [f for f in functions if _name_words(str(f.get("name", ""))) & prompt_words]
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


def _identifier_words(name: str) -> list[str]:
    """`get_weather` → ["get", "weather"], `customerName` → ["customer", "name"]."""
    return [w.lower() for w in re.findall(r"[a-z]+|[A-Z][a-z]*", name)]


def _name_words(name: str) -> set[str]:
    """Meaningful words of a tool name: `get_weather` → {"weather"}, `searchDocs` → {"search", "docs"}.

    A real model calls a tool when the question is about what the tool does; matching the
    name's words is the simulator's deterministic stand-in for that judgement.
    """
    return {w for w in _identifier_words(name) if len(w) > 2} - _GENERIC_NAME_WORDS


def _plan_tool_call(request: ChatRequest, seed: int) -> ToolCallPlan | None:
    tool = _chosen_tool(request)
    if tool is None:
        return None
    arguments = _value_for(tool.get("parameters") or {"type": "object"}, _prompt_of(request))
    call_id = f"call_{uuid.uuid4().hex[:20]}"
    # ensure_ascii=False: OpenAI streams non-ASCII arguments as characters, not \uXXXX escapes.
    return ToolCallPlan(call_id, str(tool.get("name")), json.dumps(arguments, ensure_ascii=False))


@dataclass(slots=True)
class _Material:
    """What the prompt offers to fill a schema with, consumed front to back."""

    numbers: list[float]
    words: list[str]
    topic: str
    defs: dict[str, Any]


# String fields with these words in their name want a value from the prompt ("Paris");
# other string fields (setup, summary, answer) want a sentence.
_ENTITY_WORDS = {
    "name",
    "city",
    "location",
    "place",
    "country",
    "person",
    "company",
    "customer",
    "query",
    "topic",
    "title",
    "id",
    "email",
    "user",
    "symbol",
    "ticker",
    "keyword",
    "term",
    "word",
    "language",
    "unit",
    "color",
    "category",
    "label",
    "input",
    "text",
}


def _value_for(schema: dict[str, Any], prompt: str) -> Any:
    """A value matching a JSON schema, filled from numbers and words in the prompt."""
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", prompt)]
    # Best string arguments first: quoted text ("named 'Ada'"), then proper-noun phrases
    # after the first word ("in San Francisco"), then ordinary words.
    proper = re.findall(r"(?<=\s)[A-Z][a-z]+(?: [A-Z][a-z]+)*", prompt)
    words = _quoted(prompt) + proper + re.findall(r"\b[a-z]{4,}\b", prompt)
    topic = " ".join(topic_words(prompt))
    return _fill(schema, _Material(numbers, words, topic, schema.get("$defs", {})))


def _fill(schema: dict[str, Any], got: _Material, field_name: str = "") -> Any:
    if "$ref" in schema:
        return _fill(got.defs.get(schema["$ref"].rsplit("/", 1)[-1], {}), got, field_name)
    for combo in ("anyOf", "oneOf", "allOf"):
        if combo in schema:
            options = [s for s in schema[combo] if s.get("type") != "null"] or schema[combo]
            return _fill(options[0], got, field_name)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type", "object")
    if kind == "object":
        return {k: _fill(v, got, k) for k, v in schema.get("properties", {}).items()}
    if kind == "array":
        return [_fill(schema.get("items", {"type": "string"}), got, field_name)]
    if kind == "integer":
        return int(got.numbers.pop(0)) if got.numbers else 1
    if kind == "number":
        return got.numbers.pop(0) if got.numbers else 1.0
    if kind == "boolean":
        return True
    name_words = _identifier_words(field_name)
    if name_words and not set(name_words) & _ENTITY_WORDS:
        return f"{' '.join(name_words).capitalize()} about {got.topic}."
    return got.words.pop(0) if got.words else "example"


def _argument_pieces(arguments: str) -> list[str]:
    # OpenAI streams tool arguments as arbitrary partial-JSON slices; fixed 5-char slices
    # make that visible (`{"inp`, `ut": `, `3}`) while staying deterministic.
    return [arguments[i : i + 5] for i in range(0, len(arguments), 5)] or [""]


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
    """(due offset or None for "immediately", chunk object) pairs, in the order OpenAI sends them."""
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
    yield None, _chunk(plan, first)
    for offset, piece in zip(plan.offsets, plan.pieces, strict=True):
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
