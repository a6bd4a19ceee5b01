"""The chat-completions request the simulator accepts, and OpenAI-style refusals of the rest.

`parse_request` turns raw body bytes into a validated `ChatRequest` or raises a
`RequestError` that the server sends as `{"error": {...}}` with a 4xx status, so every bad
request gets an answer the `openai` SDK understands, never a 500.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from streamlab.sim.answers import resolve_model
from streamlab.sim.options import SimOptions

__all__ = ["ChatRequest", "RequestError", "parse_request"]


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
    sim: SimOptions = SimOptions()  # frozen, so one shared default is safe


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
        raise RequestError(400, message, code="invalid_field", param=where) from exc
    _check_semantics(request)
    return request


def _check_semantics(request: ChatRequest) -> None:
    if resolve_model(request.model) is None:
        raise RequestError(
            404, f"The model '{request.model}' does not exist.", code="model_not_found", param="model"
        )
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
