"""Structured answers: the JSON schema an answer must follow, from `response_format`.

`json_schema` names its schema; JSON mode (`json_object`) carries none, so, like a real
model, the simulator follows the keys the prompt asks for.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from streamlab.sim.arguments import quoted

if TYPE_CHECKING:
    from streamlab.sim.request import ChatRequest

__all__ = ["response_schema"]


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


def response_schema(request: ChatRequest) -> dict[str, Any] | None:
    """The schema the answer follows, or None for a free-text answer."""
    fmt = request.response_format
    if fmt is None:
        return None
    if fmt.type == "json_schema":
        schema = fmt.json_schema.schema_ if fmt.json_schema else None
        return {"type": "object"} if schema is None else schema
    if fmt.type == "json_object":
        keys = [q for q in quoted(_instructions(request)) if re.fullmatch(r"[A-Za-z_]\w{0,40}", q)]
        props = {key: {"type": "string"} for key in keys or ["answer"]}
        return {"type": "object", "properties": props}
    return None
