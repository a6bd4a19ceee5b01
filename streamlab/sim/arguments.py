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

__all__ = ["identifier_words", "quoted", "value_for"]

_QUOTED_RE = re.compile(r"""(?:^|(?<=[\s(\[:]))['"“‘`]([^'"“”‘’`\n]{1,80})['"”’`](?=[\s).,:;!?\]]|$)""")


def quoted(text: str) -> list[str]:
    """Strings the user put in quotes: `named 'Ada'`, `with "setup" keys`."""
    return _QUOTED_RE.findall(text)


def identifier_words(name: str) -> list[str]:
    """`get_weather` → ["get", "weather"], `customerName` → ["customer", "name"]."""
    return [w.lower() for w in re.findall(r"[a-z]+|[A-Z][a-z]*", name)]


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


def value_for(schema: dict[str, Any], prompt: str) -> Any:
    """A value matching a JSON schema, filled from numbers and words in the prompt."""
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", prompt)]
    # Best string arguments first: quoted text ("named 'Ada'"), then proper-noun phrases
    # after the first word ("in San Francisco"), then ordinary words.
    proper = re.findall(r"(?<=\s)[A-Z][a-z]+(?: [A-Z][a-z]+)*", prompt)
    words = quoted(prompt) + proper + re.findall(r"\b[a-z]{4,}\b", prompt)
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
    name_words = identifier_words(field_name)
    if name_words and not set(name_words) & _ENTITY_WORDS:
        return f"{' '.join(name_words).capitalize()} about {got.topic}."
    return got.words.pop(0) if got.words else "example"
