"""The chat-completions request the simulator accepts, and OpenAI-style refusals of the rest.

`parse_request` turns raw body bytes into a validated `ChatRequest` or raises a
`RequestError` that the server sends as `{"error": {...}}` with a 4xx status, so every bad
request (deep, huge, mis-encoded or mis-shaped) gets an answer the `openai` SDK understands,
never a 500. Everything past this module may rely on the shapes declared here.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from streamlab.sim.errors import RequestError
from streamlab.sim.options import SimOptions
from streamlab.sim.validation import check_request, check_schema

__all__ = ["KNOWN_FIELDS", "MAX_DEPTH", "ChatRequest", "RequestError", "parse_request"]

MAX_DEPTH = 64  # nesting levels of the JSON body; real requests use fewer than 20
_check_schema = check_schema  # the Responses API's request module checks its schemas with it
_SURROGATE = re.compile("[\ud800-\udfff]")  # only a lone one survives json.loads as is


class _Open(BaseModel):
    # strict: "true" is not a boolean and "1" not a number, as for OpenAI.
    model_config = ConfigDict(extra="allow", allow_inf_nan=False, strict=True)


class FunctionDefinition(_Open):
    name: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    description: str | None = None
    parameters: dict[str, Any] | None = None


class ToolDefinition(_Open):
    type: Literal["function"]
    function: FunctionDefinition


class NamedFunction(_Open):
    name: str


class NamedToolChoice(_Open):
    type: Literal["function"] = "function"
    function: NamedFunction


class JsonSchemaFormat(_Open):
    name: str | None = None
    schema_: dict[str, Any] | None = Field(default=None, alias="schema")
    strict: bool | None = None


class ResponseFormat(_Open):
    type: Literal["text", "json_object", "json_schema"]
    json_schema: JsonSchemaFormat | None = None


# Every field of OpenAI's CreateChatCompletionRequest, and the simulator's own `sim`.
KNOWN_FIELDS = frozenset(
    "audio frequency_penalty function_call functions logit_bias logprobs max_completion_tokens "
    "max_tokens messages metadata modalities model moderation n parallel_tool_calls prediction "
    "presence_penalty prompt_cache_key prompt_cache_options prompt_cache_retention "
    "reasoning_effort response_format safety_identifier seed service_tier stop store stream "
    "stream_options temperature tool_choice tools top_logprobs top_p user verbosity "
    "web_search_options sim".split()
)
_MAX_INT = 2**31 - 1


class ChatRequest(_Open):
    model: str
    messages: list[dict[str, Any]]
    stream: bool | None = False
    stream_options: dict[str, Any] | None = None
    max_tokens: int | None = Field(default=None, le=_MAX_INT)
    max_completion_tokens: int | None = Field(default=None, le=_MAX_INT)
    temperature: float | None = Field(default=None, ge=0, le=2)
    top_p: float | None = Field(default=None, ge=0, le=1)
    frequency_penalty: float | None = Field(default=None, ge=-2, le=2)
    presence_penalty: float | None = Field(default=None, ge=-2, le=2)
    seed: int | None = Field(default=None, ge=-(2**63), le=2**63 - 1)
    n: int | None = Field(default=1, ge=1, le=128)
    logprobs: bool | None = None
    top_logprobs: int | None = Field(default=None, ge=0, le=20)
    logit_bias: dict[str, int] | None = None
    stop: str | list[str] | None = None
    tools: list[ToolDefinition] | None = None
    tool_choice: str | NamedToolChoice | None = None
    parallel_tool_calls: bool | None = None
    response_format: ResponseFormat | None = None
    user: str | None = None
    store: bool | None = None
    metadata: dict[str, str] | None = None
    sim: SimOptions = SimOptions()  # frozen, so one shared default is safe


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_request(raw: bytes) -> ChatRequest:
    try:
        payload = json.loads(raw, parse_constant=_refuse_constant)
    except RecursionError as exc:
        message = f"Request body nests too deeply (the limit is {MAX_DEPTH} levels)."
        raise RequestError(400, message, code="invalid_json") from exc
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, integers over 4,300 digits
        message = f"Request body is not valid JSON: {_one_line(str(exc))}"
        raise RequestError(400, message, code="invalid_json") from exc
    _check_shape(payload)
    if not isinstance(payload, dict):
        raise RequestError(400, "The request body must be a JSON object.", code="invalid_json")
    for name in payload:
        if name not in KNOWN_FIELDS:
            message = f"Unrecognized request argument supplied: {_one_line(name, 64)}"
            raise RequestError(400, message, code="unknown_parameter", param=_one_line(name, 64))
    try:
        request = ChatRequest.model_validate(payload)
    except ValidationError as exc:
        # The deepest error names the field best; union members add their type name to `loc`.
        first = max(exc.errors(), key=lambda e: len(e["loc"]))
        missing = first["type"] == "missing"
        where = _param(payload, first["loc"], missing=missing)
        if missing:
            message, code = f"Missing required parameter: '{where}'.", "missing_required_parameter"
        else:
            message, code = f"Invalid '{where}': {first['msg']}.", _code(first["type"])
        raise RequestError(400, message, code=code, param=where) from exc
    check_request(request)
    return request


def _code(pydantic_type: str) -> str:
    """OpenAI's error code for a pydantic error type: `invalid_type` for a wrong JSON type."""
    if pydantic_type.endswith("_type") or pydantic_type in ("literal_error", "union_tag_invalid"):
        return "invalid_type"
    return "invalid_value"


def _check_shape(payload: object) -> None:
    """Refuse nesting deeper than MAX_DEPTH and lone surrogates (text that cannot be UTF-8)."""
    stack: list[tuple[object, str, int]] = [(payload, "", 0)]
    while stack:
        value, where, depth = stack.pop()
        if depth > MAX_DEPTH:
            message = f"Request body nests too deeply at '{where}' (the limit is {MAX_DEPTH} levels)."
            raise RequestError(400, message, code="invalid_json", param=where or None)
        if isinstance(value, str) and _SURROGATE.search(value):
            message = f"'{where}' holds a lone surrogate (\\ud800-\\udfff): not valid Unicode text."
            raise RequestError(400, message, code="invalid_value", param=where or None)
        if isinstance(value, dict):
            for key, item in value.items():
                shown = _SURROGATE.sub("?", key)[:40]
                path = f"{where}.{shown}" if where else shown
                if shown != key[:40]:
                    stack.append((key, path, depth + 1))
                stack.append((item, path, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{where}[{i}]", depth + 1) for i, item in enumerate(value))


def _param(payload: object, loc: tuple[int | str, ...], *, missing: bool) -> str:
    """`tools[0].function.name` from a pydantic error location, skipping union member names.

    Only the parts found in the payload are kept (`str`, `NamedToolChoice`… are not), plus
    the last one when the error is a missing field.
    """
    where, node = "", payload
    for part in loc:
        if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            where, node = f"{where}[{part}]", node[part]
        elif isinstance(node, dict) and part in node:
            where, node = f"{where}.{part}" if where else str(part), node[part]
    if missing and loc:
        where = f"{where}.{loc[-1]}" if where else str(loc[-1])
    return where or "body"


def _one_line(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
