"""Tool-call arguments and structured answers: a value for any JSON schema, taken from the prompt.

A real model reads "weather in Paris for 3 days" and calls `get_weather(city="Paris", days=3)`;
the simulator's deterministic stand-in fills each schema field from the prompt's quoted
strings, proper nouns, words and numbers, in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from streamlab.sim.answers import topic_words

__all__ = ["SchemaError", "check_schema", "identifier_words", "quoted", "value_for"]

_QUOTED_RE = re.compile(r"""(?:^|(?<=[\s(\[:]))['"“‘`]([^'"“”‘’`\n]{1,80})['"”’`](?=[\s).,:;!?\]]|$)""")


def quoted(text: str) -> list[str]:
    """Strings the user put in quotes: `named 'Ada'`, `with "setup" keys`."""
    return _QUOTED_RE.findall(text)


def identifier_words(name: str) -> list[str]:
    """`get_weather` → ["get", "weather"], `customerName` → ["customer", "name"]."""
    return [w.lower() for w in re.findall(r"[a-z]+|[A-Z][a-z]*", name)]


class SchemaError(ValueError):
    """A JSON schema the simulator cannot fill; the message says which part and why."""


class _Cycle(Exception):
    """A `$ref` met again inside itself: this branch has no finite value."""


MAX_FILLED = 10_000  # schema nodes one answer may expand (refs can multiply a small schema)
MAX_REF_DEPTH = 32  # `$ref`s followed inside one another (keeps the recursion shallow)


@dataclass(slots=True)
class _Material:
    """What the prompt offers to fill a schema with, consumed front to back."""

    numbers: list[float]
    words: list[str]
    topic: str
    root: dict[str, Any]  # the whole schema, for `$ref`s
    filled: int = 0


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


def value_for(schema: dict[str, Any], prompt: str) -> Any:
    """A value matching a JSON schema, filled from numbers and words in the prompt.

    Raises SchemaError when `schema` is malformed or has no finite value.
    """
    check_schema(schema)
    # At most 15 digits: int() and float() stay exact and finite for any prompt.
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", prompt) if len(n) <= 15]
    words = quoted(prompt) + _names(prompt) + _placed(prompt) + re.findall(r"\b[a-z]{4,}\b", prompt)
    topic = " ".join(topic_words(prompt))
    try:
        return _fill(schema, _Material(numbers, words, topic, schema), "", ("#",))  # the root is "#"
    except _Cycle:
        raise SchemaError("its $ref recursion has no end: every branch requires itself again") from None


# A capitalised word (`Paris`, `Zürich`) or an acronym (`SF`, `NYC`), and phrases of them.
_NAME = r"(?:[A-ZÀ-Þ][a-zß-ÿ]+|[A-Z]{2,6}\b)"
_NAMES_RE = re.compile(rf"(?<=\s){_NAME}(?: {_NAME})*")
_PLACED_RE = re.compile(r"\b(?:in|at|near|from|for|to)\s+([a-zß-ÿ][\w-]{2,})", re.IGNORECASE)
_NOT_ARGUMENTS = {"the", "a", "an", "me", "you", "it", "us", "this", "that", "today", "tomorrow", "now"}


_NOT_NAMES = {"JSON", "XML", "YAML", "CSV", "HTML", "API", "URL", "SQL", "AI", "LLM", "OK", "Markdown"}


def _names(prompt: str) -> list[str]:
    """Proper-noun phrases after the first word: "in San Francisco", "in SF", "about Ada Lovelace"
    (names of formats such as JSON are how to answer, not what about)."""
    return [name for name in _NAMES_RE.findall(prompt) if name not in _NOT_NAMES]


def _placed(prompt: str) -> list[str]:
    """Lower-case words after a preposition ("weather in paris"): the likeliest place or thing."""
    return [w for w in _PLACED_RE.findall(prompt) if w.lower() not in _NOT_ARGUMENTS]


_COMBOS = ("anyOf", "oneOf", "allOf")


def check_schema(schema: object) -> None:
    """Raise SchemaError naming the first part of `schema` that is not a fillable JSON schema."""
    if not isinstance(schema, dict):
        raise SchemaError("the schema must be a JSON object")
    stack: list[tuple[object, str]] = [(schema, "")]
    while stack:
        node, where = stack.pop()
        at = f" at '{where}'" if where else ""
        if isinstance(node, bool):  # `true` / `false` are schemas too
            continue
        if not isinstance(node, dict):
            raise SchemaError(f"every schema must be a JSON object{at}")
        if "$ref" in node:
            ref = node["$ref"]
            if not isinstance(ref, str) or _resolve(schema, ref) is None:
                raise SchemaError(
                    f"'$ref'{at} must point to a schema inside this one, like '#/$defs/Name'"
                )
        kind = node.get("type", "object")
        if not isinstance(kind, str) and not (
            isinstance(kind, list) and all(isinstance(k, str) for k in kind)
        ):
            raise SchemaError(f"'type'{at} must be a string or a list of strings")
        if "enum" in node and not (isinstance(node["enum"], list) and node["enum"]):
            raise SchemaError(f"'enum'{at} must be a non-empty list")
        required = node.get("required", [])
        if not isinstance(required, list) or not all(isinstance(r, str) for r in required):
            raise SchemaError(f"'required'{at} must be a list of property names")
        for combo in _COMBOS:
            if combo in node:
                options = node[combo]
                if not isinstance(options, list) or not options:
                    raise SchemaError(f"'{combo}'{at} must be a non-empty list of schemas")
                stack.extend((o, f"{where}.{combo}[{i}]".lstrip(".")) for i, o in enumerate(options))
        for key in ("properties", "$defs", "definitions"):
            if key in node:
                children = node[key]
                if not isinstance(children, dict):
                    raise SchemaError(f"'{key}'{at} must be an object of schemas")
                stack.extend((v, f"{where}.{key}.{k}".lstrip(".")) for k, v in children.items())
        for key in ("items", "additionalProperties"):
            if key in node:
                stack.append((node[key], f"{where}.{key}".lstrip(".")))


def _resolve(root: dict[str, Any], ref: str) -> object | None:
    """The schema a local JSON pointer (`#`, `#/$defs/Tree`) names, or None."""
    if not ref.startswith("#"):
        return None
    node: object = root
    for part in filter(None, ref[1:].split("/")):
        key = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _fill(schema: object, got: _Material, field_name: str, refs: tuple[str, ...]) -> Any:
    got.filled += 1
    if got.filled > MAX_FILLED:
        raise SchemaError(f"filling it takes more than {MAX_FILLED} values")
    if not isinstance(schema, dict):
        return None  # `true`: any value will do
    if "$ref" in schema:
        ref = schema["$ref"]
        if ref in refs:
            raise _Cycle
        if len(refs) >= MAX_REF_DEPTH:
            raise SchemaError(f"its $refs nest more than {MAX_REF_DEPTH} deep")
        return _fill(_resolve(got.root, ref), got, field_name, (*refs, ref))
    if "const" in schema:
        return schema["const"]
    for combo in _COMBOS:
        if combo in schema:
            # Prefer a real value over null; skip options that only recurse.
            for option in sorted(schema[combo], key=_is_null):
                try:
                    return _fill(option, got, field_name, refs)
                except _Cycle:
                    continue
            raise _Cycle
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "null":
        return None
    if kind == "object":
        required = set(schema.get("required", []))
        value = {}
        for key, sub in schema.get("properties", {}).items():
            try:
                value[key] = _fill(sub, got, key, refs)
            except _Cycle:
                if key in required:
                    raise  # optional recursive fields are left out
        return value
    if kind == "array":
        items = schema.get("items", {"type": "string"})
        if items in ({}, True):
            return []  # nothing says what an item is
        try:
            return [_fill(items, got, field_name, refs)]
        except _Cycle:
            return []
    if kind == "integer":
        return int(got.numbers.pop(0)) if got.numbers else 1
    if kind == "number":
        return got.numbers.pop(0) if got.numbers else 1.0
    if kind == "boolean":
        return True
    name_words = identifier_words(field_name)
    if name_words and not set(name_words) & _ENTITY_WORDS:
        return f"{' '.join(name_words).capitalize()} about {got.topic}."
    return got.words.pop(0) if got.words else "example"


def _is_null(schema: object) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "null"
