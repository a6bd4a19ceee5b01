"""Responses `input` items → chat messages, so the chat planner answers both APIs alike.

The Responses API sends a conversation as typed items (messages, `function_call`,
`function_call_output`, `reasoning`); the chat planner reads role-tagged messages. Converting
once here, after OpenAI's own checks (every tool output answers a call, every call has its
output), keeps one answer generator behind both endpoints.
"""

from __future__ import annotations

from typing import Any

from streamlab.sim.errors import RequestError

__all__ = ["ROLES", "input_text", "to_messages"]

ROLES = ("user", "assistant", "system", "developer")
_TEXT_PARTS = ("input_text", "output_text", "text", "summary_text")
_MEDIA_PARTS = ("input_image", "input_file", "input_audio", "refusal")
_IGNORED_ITEMS = ("reasoning",)  # earlier thoughts: a stateless model does not need them again


def input_text(content: object) -> str:
    """The text of a message's `content`: a string, or the text of its parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [p.get("text") for p in content if isinstance(p, dict)]
        return " ".join(p for p in parts if isinstance(p, str))
    return ""


def _bad(message: str, param: str, code: str = "invalid_value") -> RequestError:
    return RequestError(400, message, code=code, param=param)


def _message(item: dict[str, Any], where: str) -> dict[str, Any]:
    role = item.get("role")
    if role not in ROLES:
        allowed = "', '".join(ROLES)
        raise _bad(
            f"Invalid value: '{str(role)[:40]}'. Supported values are: '{allowed}'.", f"{where}.role"
        )
    content = item.get("content")
    if not isinstance(content, str | list):
        raise _bad(
            f"Invalid type for '{where}.content': expected a string or an array of content parts.",
            f"{where}.content",
            "invalid_type",
        )
    for j, part in enumerate(content if isinstance(content, list) else []):
        kind = part.get("type") if isinstance(part, dict) else None
        if kind not in _TEXT_PARTS + _MEDIA_PARTS:
            param = f"{where}.content[{j}].type"
            raise _bad(f"Invalid value for '{param}': {str(kind)[:40]!r} is not a content part.", param)
        if kind in _TEXT_PARTS and not isinstance(part.get("text"), str):
            param = f"{where}.content[{j}].text"
            raise _bad(f"Missing required parameter: '{param}'.", param, "missing_required_parameter")
    return {"role": role, "content": input_text(content)}


def _require_strings(item: dict[str, Any], where: str, *names: str) -> None:
    for name in names:
        if not isinstance(item.get(name), str):
            param = f"{where}.{name}"
            raise _bad(f"Missing required parameter: '{param}'.", param, "missing_required_parameter")


def to_messages(items: str | list[dict[str, Any]], instructions: str | None) -> list[dict[str, Any]]:
    """Chat messages for the planner; RequestError (param `input…`) for what OpenAI refuses."""
    messages: list[dict[str, Any]] = []
    if instructions:
        messages.append({"role": "system", "content": instructions})
    if isinstance(items, str):
        return [*messages, {"role": "user", "content": items}]
    if not items:
        raise _bad("Invalid 'input': empty array. Expected an array with at least one item.", "input")
    called: set[str] = set()
    answered: set[str] = set()
    for i, item in enumerate(items):
        where = f"input[{i}]"
        kind = item.get("type", "message")
        if kind == "message":
            messages.append(_message(item, where))
        elif kind == "function_call":
            _require_strings(item, where, "call_id", "name", "arguments")
            call = {
                "id": item["call_id"],
                "type": "function",
                "function": {"name": item["name"], "arguments": item["arguments"]},
            }
            last = messages[-1] if messages else {}
            if last.get("role") == "assistant" and last.get("tool_calls"):
                last["tool_calls"].append(call)  # parallel calls: one assistant turn
            else:
                messages.append({"role": "assistant", "content": None, "tool_calls": [call]})
            called.add(item["call_id"])
        elif kind == "function_call_output":
            _require_strings(item, where, "call_id")
            call_id = item["call_id"]
            if call_id not in called:
                message = f"No tool call found for function call output with call_id {call_id[:64]}."
                raise _bad(message, "input")
            output = item.get("output")
            if not isinstance(output, str | list):
                param = f"{where}.output"
                raise _bad(
                    f"Missing required parameter: '{param}'.", param, "missing_required_parameter"
                )
            messages.append({"role": "tool", "tool_call_id": call_id, "content": input_text(output)})
            answered.add(call_id)
        elif kind not in _IGNORED_ITEMS:
            message = (
                f"Invalid value for '{where}.type': the simulator accepts messages, 'function_call', "
                f"'function_call_output' and 'reasoning' items, not {str(kind)[:40]!r}."
            )
            raise _bad(message, f"{where}.type")
    if unanswered := sorted(called - answered):
        raise _bad(f"No tool output found for function call {unanswered[0][:64]}.", "input")
    if not messages:
        raise _bad("Invalid 'input': it holds only reasoning items, nothing to answer.", "input")
    return messages
