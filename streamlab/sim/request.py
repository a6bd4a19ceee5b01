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

from streamlab.sim.answers import resolve_model
from streamlab.sim.arguments import SchemaError, value_for
from streamlab.sim.options import SimOptions

__all__ = ["MAX_DEPTH", "ChatRequest", "RequestError", "parse_request"]

MAX_DEPTH = 64  # nesting levels of the JSON body; real requests use fewer than 20
_SURROGATE = re.compile("[\ud800-\udfff]")  # only a lone one survives json.loads as is


class RequestError(Exception):
    """A request the simulator refuses, mapped to an OpenAI-style error body."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str,
        type_: str = "invalid_request_error",
        param: str | None = None,
    ):
        super().__init__(message)
        self.status, self.message, self.code, self.type, self.param = status, message, code, type_, param

    def body(self) -> dict[str, Any]:
        return {
            "error": {"message": self.message, "type": self.type, "code": self.code, "param": self.param}
        }


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow", allow_inf_nan=False)


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


class ChatRequest(_Open):
    model: str
    messages: list[dict[str, Any]]
    stream: bool = False
    stream_options: dict[str, Any] | None = None
    max_tokens: int | None = Field(default=None, le=2**31 - 1)
    max_completion_tokens: int | None = Field(default=None, le=2**31 - 1)
    temperature: float | None = Field(default=None, ge=0, le=2)
    seed: int | None = Field(default=None, ge=-(2**63), le=2**63 - 1)
    n: int = 1
    parallel_tool_calls: bool | None = None
    stop: str | list[str] | None = None
    tools: list[ToolDefinition] | None = None
    tool_choice: str | NamedToolChoice | None = None
    response_format: ResponseFormat | None = None
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
    try:
        request = ChatRequest.model_validate(payload)
    except ValidationError as exc:
        # The deepest error names the field best; union members add their type name to `loc`.
        first = max(exc.errors(), key=lambda e: len(e["loc"]))
        where = _param(payload, first["loc"], missing=first["type"] == "missing")
        message = f"Invalid field '{where}': {first['msg']}"
        raise RequestError(400, message, code="invalid_field", param=where) from exc
    _check_semantics(request)
    return request


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


def _check_semantics(request: ChatRequest) -> None:
    if resolve_model(request.model) is None:
        message = f"The model '{_one_line(request.model, 64)}' does not exist."
        raise RequestError(404, message, code="model_not_found", param="model")
    if not request.messages:
        raise RequestError(
            400, "'messages' must contain at least one message.", code="empty_messages", param="messages"
        )
    for name in ("max_tokens", "max_completion_tokens"):
        value = getattr(request, name)
        if value is not None and value < 1:
            raise RequestError(
                400, f"'{name}' must be at least 1, got {value}.", code="invalid_value", param=name
            )
    if request.n != 1:
        raise RequestError(
            400, "Only n=1 is supported by the simulator.", code="invalid_value", param="n"
        )
    for i, tool in enumerate(request.tools or []):
        if tool.function.parameters is not None:
            _check_schema(
                tool.function.parameters,
                f"tools[{i}].function.parameters",
                f"function '{tool.function.name}'",
            )
    fmt = request.response_format
    if fmt is not None and fmt.type == "json_schema":
        if fmt.json_schema is None:
            raise RequestError(
                400,
                "response_format of type 'json_schema' needs a 'json_schema' object.",
                code="invalid_value",
                param="response_format.json_schema",
            )
        if fmt.json_schema.schema_ is not None:
            _check_schema(
                fmt.json_schema.schema_, "response_format.json_schema.schema", "response_format"
            )


def _check_schema(schema: dict[str, Any], param: str, owner: str) -> None:
    try:
        # A dry run: besides the shape, it finds recursion with no finite value and blow-ups.
        value_for(schema, "")
    except SchemaError as exc:
        raise RequestError(
            400, f"Invalid schema for {owner}: {exc}.", code="invalid_schema", param=param
        ) from exc
