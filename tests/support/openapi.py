"""Validate what the simulator sends against OpenAI's own published schemas.

OpenAI's OpenAPI description (`../shared/openai-openapi/openapi.json`, read in place, never copied:
see its README) uses OpenAPI 3.0's `nullable: true`; `jsonschema` speaks JSON Schema, so the file is
converted once (nullable → `null` allowed) and every `#/components/schemas/...` reference resolves
against it.

    assert_valid("CreateChatCompletionStreamResponse", chunk)
    assert_valid("ResponseStreamEvent", event)
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

__all__ = ["SPEC_PATH", "assert_valid", "schema_errors"]

SPEC_PATH = Path(__file__).resolve().parents[2].parent / "shared" / "openai-openapi" / "openapi.json"
_URI = "urn:openai-openapi"


def _json_schema(node: Any) -> Any:
    """OpenAPI 3.0 → JSON Schema: `nullable: true` becomes "or null", recursively."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable") is True:
        kind = out.get("type")
        if isinstance(kind, str) and set(out) <= {
            "type",
            "description",
            "format",
            "enum",
            "default",
            "title",
            "example",
            "minimum",
            "maximum",
        }:
            out["type"] = [kind, "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


@cache
def _registry() -> Registry:
    if not SPEC_PATH.exists():
        raise FileNotFoundError(f"OpenAI's OpenAPI description is missing: {SPEC_PATH}")
    spec = _json_schema(json.loads(SPEC_PATH.read_text(encoding="utf-8")))
    return Registry().with_resource(
        _URI, Resource.from_contents(spec, default_specification=DRAFT202012)
    )


@cache
def _validator(name: str) -> Draft202012Validator:
    registry = _registry()
    if name not in registry.contents(_URI)["components"]["schemas"]:
        raise KeyError(f"OpenAI's schemas have no {name!r}")
    return Draft202012Validator({"$ref": f"{_URI}#/components/schemas/{name}"}, registry=registry)


def schema_errors(name: str, instance: Any) -> list[str]:
    """Where `instance` breaks OpenAI's schema `name` ([] when it conforms)."""
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(top)'}: {error.message[:300]}"
        for error in _validator(name).iter_errors(instance)
    ]


def assert_valid(name: str, instance: Any) -> None:
    errors = schema_errors(name, instance)
    assert not errors, f"not a valid {name}:\n" + "\n".join(errors) + f"\n{json.dumps(instance)[:800]}"
