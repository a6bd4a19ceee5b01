"""The Responses API request the simulator accepts (`POST /v1/responses`), and its refusals.

`parse_responses_request` turns raw body bytes into a validated `ResponsesRequest` or raises
the same `RequestError` the chat endpoint uses, worded and `param`-tagged the way OpenAI's
Responses API words it (`Unknown parameter: 'max_token'.`, `param: "max_token"`), so a
learner's error handling written here works unchanged against OpenAI.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from streamlab.sim.errors import RequestError
from streamlab.sim.options import SimOptions
from streamlab.sim.request import MAX_DEPTH, _check_shape, _param
from streamlab.sim.responses.reasoning import check_model
from streamlab.sim.validation import check_schema

__all__ = [
    "FunctionTool",
    "ReasoningParam",
    "ResponsesRequest",
    "TextFormat",
    "parse_responses_request",
]

MIN_OUTPUT_TOKENS = 16  # OpenAI refuses a smaller max_output_tokens
MAX_METADATA_KEYS = 16


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow", allow_inf_nan=False)


class FunctionTool(_Open):
    """`{"type": "function", "name": ..., "parameters": {...}}`: flat, unlike chat's `function`."""

    type: Literal["function"]
    name: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    description: str | None = None
    parameters: dict[str, Any] | None = None
    strict: bool | None = None


class ToolChoiceFunction(_Closed):
    type: Literal["function"]
    name: str


class ReasoningParam(_Closed):
    effort: Literal["none", "minimal", "low", "medium", "high", "xhigh", "max"] | None = None
    summary: Literal["auto", "concise", "detailed"] | None = None
    generate_summary: Literal["auto", "concise", "detailed"] | None = None
    """Deprecated spelling of `summary`; still accepted by OpenAI."""
    mode: str | None = None
    context: Literal["auto", "current_turn", "all_turns"] | None = None


class TextFormat(_Closed):
    type: Literal["text", "json_object", "json_schema"]
    name: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,64}$")
    description: str | None = None
    schema_: dict[str, Any] | None = Field(default=None, alias="schema")
    strict: bool | None = None


class TextParam(_Closed):
    format: TextFormat | None = None
    verbosity: Literal["low", "medium", "high"] | None = None


class StreamOptions(_Closed):
    include_obfuscation: bool | None = None


class ResponsesRequest(_Closed):
    """Every field of OpenAI's `CreateResponse`; those the simulator cannot honour are refused
    in `_check_semantics` with a message saying so, never silently ignored."""

    model: str
    input: str | list[dict[str, Any]]
    instructions: str | None = None
    stream: bool | None = None
    stream_options: StreamOptions | None = None
    tools: list[dict[str, Any]] | None = None
    tool_choice: Literal["none", "auto", "required"] | ToolChoiceFunction | None = None
    parallel_tool_calls: bool | None = None
    max_output_tokens: int | None = Field(default=None, le=2**31 - 1)
    max_tool_calls: int | None = Field(default=None, ge=1)
    temperature: float | None = Field(default=None, ge=0, le=2)
    top_p: float | None = Field(default=None, ge=0, le=1)
    top_logprobs: int | None = Field(default=None, ge=0, le=20)
    reasoning: ReasoningParam | None = None
    text: TextParam | None = None
    metadata: dict[str, str] | None = None
    store: bool | None = None
    include: list[str] | None = None
    truncation: Literal["auto", "disabled"] | None = None
    service_tier: str | None = None
    user: str | None = None
    safety_identifier: str | None = Field(default=None, max_length=64)
    prompt_cache_key: str | None = None
    prompt_cache_retention: str | None = None
    prompt_cache_options: dict[str, Any] | None = None
    background: bool | None = None
    previous_response_id: str | None = None
    conversation: str | dict[str, Any] | None = None
    prompt: dict[str, Any] | None = None
    context_management: list[dict[str, Any]] | None = None
    moderation: dict[str, Any] | None = None
    sim: SimOptions = SimOptions()  # frozen, so one shared default is safe

    @property
    def functions(self) -> list[FunctionTool]:
        """The function tools (every tool is one, once `parse_responses_request` accepted it)."""
        return [FunctionTool.model_validate(tool) for tool in self.tools or []]


def parse_responses_request(raw: bytes) -> ResponsesRequest:
    """A validated request, or RequestError with OpenAI's wording and the offending `param`."""
    try:
        payload = json.loads(raw, parse_constant=_refuse_constant)
    except RecursionError as exc:
        message = f"Request body nests too deeply (the limit is {MAX_DEPTH} levels)."
        raise RequestError(400, message, code="invalid_json") from exc
    except ValueError as exc:
        message = "We could not parse the JSON body of your request. (HINT: This likely means "
        message += "you aren't using your HTTP library correctly.)"
        raise RequestError(400, message, code="invalid_json") from exc
    _check_shape(payload)
    if not isinstance(payload, dict):
        raise RequestError(400, "The request body must be a JSON object.", code="invalid_json")
    try:
        request = ResponsesRequest.model_validate(payload)
    except ValidationError as exc:
        raise _refusal(payload, exc) from exc
    _check_semantics(request)
    return request


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _refusal(
    payload: dict[str, Any], exc: ValidationError, prefix: tuple[str | int, ...] = ()
) -> RequestError:
    """OpenAI's four kinds of field error: unknown, missing, wrong type, out of range."""
    first = max(exc.errors(), key=lambda e: len(e["loc"]))
    kind = first["type"]
    loc = (*prefix, *first["loc"])
    where = _param(payload, loc, missing=kind == "missing")
    if where.startswith("sim"):  # the simulator's own controls keep pydantic's precise wording
        return RequestError(
            400, f"Invalid '{where}': {first['msg']}.", code="invalid_value", param=where
        )
    if kind == "extra_forbidden":
        return RequestError(400, f"Unknown parameter: '{where}'.", code="unknown_parameter", param=where)
    if kind == "missing":
        message = f"Missing required parameter: '{where}'."
        return RequestError(400, message, code="missing_required_parameter", param=where)
    if kind.endswith(("_type", "_parsing")) or kind in ("model_type", "dict_type", "list_type"):
        got = _json_kind(first.get("input"))
        message = f"Invalid type for '{where}': expected {_expected(kind)}, but got {got} instead."
        return RequestError(400, message, code="invalid_type", param=where)
    message = f"Invalid value for '{where}': {first['msg'][:1].lower()}{first['msg'][1:]}."
    return RequestError(400, message, code="invalid_value", param=where)


def _json_kind(value: object) -> str:
    kinds = [(bool, "a boolean"), (int, "an integer"), (float, "a decimal"), (str, "a string")]
    kinds += [(list, "an array"), (dict, "an object")]
    return next((text for kind, text in kinds if isinstance(value, kind)), "null")


def _expected(kind: str) -> str:
    words = {"int": "an integer", "float": "a decimal", "bool": "a boolean", "string": "a string"}
    words |= {"list": "an array", "dict": "an object", "model": "an object"}
    return next((text for key, text in words.items() if kind.startswith(key)), "another type")


def _check_semantics(request: ResponsesRequest) -> None:
    check_model(request)
    if request.max_output_tokens is not None and request.max_output_tokens < MIN_OUTPUT_TOKENS:
        message = (
            "Invalid 'max_output_tokens': integer below minimum value. Expected a value >= "
            f"{MIN_OUTPUT_TOKENS}, but got {request.max_output_tokens} instead."
        )
        raise RequestError(400, message, code="integer_below_min_value", param="max_output_tokens")
    if request.stream_options is not None and not request.stream:
        message = "Invalid value for 'stream_options': only allowed when 'stream' is true."
        raise RequestError(400, message, code="invalid_value", param="stream_options")
    if len(request.metadata or {}) > MAX_METADATA_KEYS:
        message = f"Invalid 'metadata': too many keys (at most {MAX_METADATA_KEYS})."
        raise RequestError(400, message, code="invalid_value", param="metadata")
    _check_unsupported(request)
    _check_tools(request)
    fmt = request.text.format if request.text else None
    if fmt is not None and fmt.type == "json_schema":
        for name, value in (("name", fmt.name), ("schema", fmt.schema_)):
            if value is None:
                message = f"Missing required parameter: 'text.format.{name}'."
                raise RequestError(
                    400, message, code="missing_required_parameter", param=f"text.format.{name}"
                )


def _check_unsupported(request: ResponsesRequest) -> None:
    """Stateful features: OpenAI would look up stored state the simulator does not keep."""
    if request.previous_response_id is not None:
        message = (
            f"Previous response with id '{request.previous_response_id[:64]}' not found. "
            "(The simulator stores no responses: send the whole conversation in 'input'.)"
        )
        raise RequestError(
            400, message, code="previous_response_not_found", param="previous_response_id"
        )
    for name in ("conversation", "prompt", "context_management"):
        if getattr(request, name) is not None:
            message = f"The simulator does not support '{name}': send the whole conversation in 'input'."
            raise RequestError(400, message, code="unsupported_parameter", param=name)
    if request.background:
        message = "The simulator does not support background responses: stream instead."
        raise RequestError(400, message, code="unsupported_parameter", param="background")


def _check_tools(request: ResponsesRequest) -> None:
    names: list[str] = []
    for i, tool in enumerate(request.tools or []):
        kind = tool.get("type")
        if kind != "function":
            message = (
                f"Invalid value for 'tools[{i}].type': the simulator offers only 'function' tools, "
                f"not {str(kind)[:40]!r}."
            )
            raise RequestError(400, message, code="invalid_value", param=f"tools[{i}].type")
        try:
            function = FunctionTool.model_validate(tool)
        except ValidationError as exc:
            raise _refusal({"tools": request.tools}, exc, prefix=("tools", i)) from exc
        if function.parameters is not None:
            check_schema(function.parameters, f"tools[{i}].parameters", f"function '{function.name}'")
        names.append(function.name)
    choice = request.tool_choice
    if choice == "required" and not names:
        message = "Tool choice 'required' must be specified with 'tools' parameter."
        raise RequestError(400, message, code="invalid_value", param="tool_choice")
    if isinstance(choice, ToolChoiceFunction) and choice.name not in names:
        shown = choice.name[:64]
        message = f"Tool choice 'function' with name '{shown}' not found in 'tools' parameter."
        raise RequestError(400, message, code="invalid_value", param="tool_choice")
    fmt = request.text.format if request.text else None
    if fmt is not None and fmt.schema_ is not None:
        check_schema(fmt.schema_, "text.format.schema", "text.format")
