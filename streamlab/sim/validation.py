"""What OpenAI refuses in a well-typed chat request: 400 `invalid_request_error`, `param` named.

Types and ranges are pydantic's job (`streamlab.sim.request`); these are the rules between
fields and messages that a learner's code can break and that real OpenAI answers with a 400,
so code that passes here passes there: a `tool` message with no assistant `tool_calls` before
it, JSON mode with no "json" in the messages, `top_logprobs` without `logprobs`, and so on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from streamlab.sim.arguments import SchemaError, value_for
from streamlab.sim.errors import RequestError
from streamlab.sim.models import resolve_model

if TYPE_CHECKING:
    from streamlab.sim.request import ChatRequest

__all__ = ["ROLES", "check_request", "check_schema"]

ROLES = ("system", "developer", "user", "assistant", "tool", "function")
MAX_STOP = 4
TOOL_CHOICES = ("none", "auto", "required")


def _refuse(message: str, param: str, code: str = "invalid_value") -> RequestError:
    return RequestError(400, message, code=code, param=param)


def check_request(request: ChatRequest) -> None:
    """Raise the RequestError OpenAI would answer `request` with; None when it would answer it."""
    if resolve_model(request.model) is None:
        shown = " ".join(request.model.split())[:64]
        message = f"The model '{shown}' does not exist or you do not have access to it."
        raise RequestError(404, message, code="model_not_found", param="model")
    _check_messages(request.messages)
    for name in ("max_tokens", "max_completion_tokens"):
        value = getattr(request, name)
        if value is not None and value < 1:
            raise _refuse(f"Invalid '{name}': '{name}' must be at least 1, got {value}.", name)
    if request.stream_options is not None and not request.stream:
        raise _refuse(
            "The 'stream_options' parameter is only allowed when 'stream' is enabled.", "stream_options"
        )
    if request.top_logprobs is not None and not request.logprobs:
        raise _refuse("'logprobs' must be set to true to use 'top_logprobs'.", "top_logprobs")
    if isinstance(request.stop, list) and len(request.stop) > MAX_STOP:
        message = (
            f"Invalid 'stop': array too long. Expected an array with maximum length {MAX_STOP}, "
            f"but got an array with length {len(request.stop)} instead."
        )
        raise _refuse(message, "stop", "array_above_max_length")
    _check_tools(request)
    _check_format(request)


def _check_messages(messages: list[dict[str, Any]]) -> None:
    if not messages:
        raise _refuse("'messages' must contain at least one message.", "messages", "empty_array")
    open_calls: dict[str, int] = {}  # tool_call_id → index of the assistant message that made it
    for i, message in enumerate(messages):
        role = message.get("role")
        if role not in ROLES:
            allowed = ", ".join(f"'{r}'" for r in ROLES)
            shown = str(role)[:40]
            raise _refuse(
                f"Invalid value: '{shown}'. Supported values are: {allowed}.", f"messages[{i}].role"
            )
        if role == "tool":
            call_id = message.get("tool_call_id")
            if call_id not in open_calls:
                raise _refuse(
                    "Invalid parameter: messages with role 'tool' must be a response to a preceding "
                    "message with 'tool_calls' (no open tool call has this 'tool_call_id').",
                    f"messages[{i}].role",
                    "invalid_parameter",
                )
            del open_calls[call_id]
            continue
        _require_answers(open_calls, i)
        calls = message.get("tool_calls") if role == "assistant" else None
        if isinstance(calls, list):
            open_calls = {str(c.get("id")): i for c in calls if isinstance(c, dict)}
    _require_answers(open_calls, len(messages))


def _require_answers(open_calls: dict[str, int], at: int) -> None:
    """Every tool call of the last assistant message must be answered before message `at`."""
    if open_calls:
        asked = min(open_calls.values())
        missing = ", ".join(sorted(open_calls))[:300]
        raise _refuse(
            "An assistant message with 'tool_calls' must be followed by tool messages responding "
            "to each 'tool_call_id'. The following tool_call_ids did not have response messages: "
            + missing,
            f"messages[{asked}].role",
            "invalid_parameter",
        )


def _check_tools(request: ChatRequest) -> None:
    names = [tool.function.name for tool in request.tools or []]
    for i, tool in enumerate(request.tools or []):
        if tool.function.parameters is not None:
            check_schema(
                tool.function.parameters,
                f"tools[{i}].function.parameters",
                f"function '{tool.function.name}'",
            )
    choice = request.tool_choice
    if choice is None:
        return
    if not names:
        message = (
            "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified."
        )
        raise _refuse(message, "tool_choice")
    if isinstance(choice, str):
        if choice not in TOOL_CHOICES:
            allowed = ", ".join(f"'{c}'" for c in TOOL_CHOICES)
            raise _refuse(
                f"Invalid value: '{choice[:40]}'. Supported values are: {allowed}.", "tool_choice"
            )
    elif choice.function.name not in names:
        shown = choice.function.name[:64]
        message = f"Invalid 'tool_choice': no function named '{shown}' is given in 'tools'."
        raise _refuse(message, "tool_choice.function.name")


def _check_format(request: ChatRequest) -> None:
    fmt = request.response_format
    if fmt is None:
        return
    if fmt.type == "json_object" and not any("json" in _text(m).lower() for m in request.messages):
        message = (
            "'messages' must contain the word 'json' in some form, to use 'response_format' of "
            "type 'json_object'."
        )
        raise _refuse(message, "messages")
    if fmt.type != "json_schema":
        return
    if fmt.json_schema is None:
        raise _refuse(
            "Missing required parameter: 'response_format.json_schema'.",
            "response_format.json_schema",
            "missing_required_parameter",
        )
    if not fmt.json_schema.name:
        raise _refuse(
            "Missing required parameter: 'response_format.json_schema.name'.",
            "response_format.json_schema.name",
            "missing_required_parameter",
        )
    if fmt.json_schema.schema_ is not None:
        check_schema(fmt.json_schema.schema_, "response_format.json_schema.schema", "response_format")


def _text(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, list):
        return " ".join(str(b.get("text", "")) for b in content if isinstance(b, dict))
    return "" if content is None else str(content)


def check_schema(schema: dict[str, Any], param: str, owner: str) -> None:
    """Raise a 400 naming `param` when `schema` is not a JSON schema the simulator can fill."""
    try:
        # A dry run: besides the shape, it finds recursion with no finite value and blow-ups.
        value_for(schema, "")
    except SchemaError as exc:
        raise RequestError(
            400, f"Invalid schema for {owner}: {exc}.", code="invalid_schema", param=param
        ) from exc
