"""Structured answers: the JSON schema an answer must follow, from `response_format`.

`json_schema` names its schema; JSON mode (`json_object`) carries none, so, like a real
model, the simulator follows the keys and types the prompt asks for, or its example object.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from streamlab.sim.request import ChatRequest

__all__ = ["json_mode_prompt", "json_mode_schema", "response_schema"]


def _instructions(request: ChatRequest) -> str:
    texts: list[str] = []
    for message in request.messages:
        if message.get("role") in ("system", "developer", "user"):
            content = message.get("content")
            if isinstance(content, list):
                texts.extend(str(b.get("text", "")) for b in content if isinstance(b, dict))
            elif content is not None:
                texts.append(str(content))
    return " ".join(texts)


_HINTS: list[tuple[str, dict[str, Any]]] = [
    (
        r"\b(?:list|array)s? of (?:integers|ints|whole numbers)",
        {"type": "array", "items": {"type": "integer"}},
    ),
    (r"\b(?:list|array)s? of (?:numbers|floats)", {"type": "array", "items": {"type": "number"}}),
    (r"\b(?:list|array)", {"type": "array", "items": {"type": "string"}}),
    (r"\b(?:integer|int|whole number|count)\b", {"type": "integer"}),
    (r"\b(?:number|float|decimal)\b", {"type": "number"}),
    (r"\b(?:boolean|bool|true or false|true/false|yes/no)\b", {"type": "boolean"}),
    (r"\b(?:object|dict|mapping)\b", {"type": "object"}),
]
_TYPE_HINTS = [(re.compile(pattern), schema) for pattern, schema in _HINTS]
_QUOTED_KEY_RE = re.compile(r"""(?:^|(?<=[\s(\[:,]))['"`][A-Za-z_]\w{0,40}['"`]""")
_KEY_RE = re.compile(r"""(?:^|(?<=[\s(\[:,]))['"`]([A-Za-z_]\w{0,40})['"`]([^'"`]{0,40})""")


def _type_after(hint: str) -> dict[str, Any]:
    """The type a few words after a key name ask for: `'age' (integer)`, `'tags' as a list`."""
    hint = hint.lower()
    found = [(m.start(), schema) for pattern, schema in _TYPE_HINTS if (m := pattern.search(hint))]
    return min(found, key=lambda f: f[0])[1] if found else {"type": "string"}


def _schema_of(value: Any) -> dict[str, Any]:
    """The schema of an example value: `{"temp": 21.5}` → an object with a number field."""
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, list):
        return {"type": "array", "items": _schema_of(value[0]) if value else {"type": "string"}}
    if isinstance(value, dict):
        return {"type": "object", "properties": {str(k): _schema_of(v) for k, v in value.items()}}
    return {"type": "string"}


def _example_object(text: str) -> tuple[dict[str, Any], int, int] | None:
    """The first JSON object written out in the text (`like {"city": "Paris"}`) and its span."""
    decoder = json.JSONDecoder()
    for match in re.finditer(r"\{", text):
        try:
            value, end = decoder.raw_decode(text, match.start())
        except ValueError:
            continue
        if isinstance(value, dict) and value:
            return value, match.start(), end
    return None


def json_mode_prompt(instructions: str) -> str:
    """The instructions without key names and example object: what the values are to be about."""
    if (found := _example_object(instructions)) is not None:
        instructions = instructions[: found[1]] + " " + instructions[found[2] :]
    return _QUOTED_KEY_RE.sub(" ", instructions)


def json_mode_schema(instructions: str) -> dict[str, Any]:
    """JSON mode's stand-in schema: an example object's keys and types, else the quoted keys
    with the types named after them, else one `answer` string."""
    if (found := _example_object(instructions)) is not None:
        return _schema_of(found[0])
    props: dict[str, Any] = {}
    for key, hint in _KEY_RE.findall(instructions):
        props.setdefault(key, _type_after(hint))
    return {"type": "object", "properties": props or {"answer": {"type": "string"}}}


def response_schema(request: ChatRequest) -> dict[str, Any] | None:
    """The schema the answer follows, or None for a free-text answer."""
    fmt = request.response_format
    if fmt is None:
        return None
    if fmt.type == "json_schema":
        schema = fmt.json_schema.schema_ if fmt.json_schema else None
        return {"type": "object"} if schema is None else schema
    if fmt.type == "json_object":
        return json_mode_schema(_instructions(request))
    return None
