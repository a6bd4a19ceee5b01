"""Talking to the simulator by hand (httpx, no SDK): the requests and wire lines tests look at.

A real OpenAI endpoint refuses requests without an API key, and so does the simulator; these
helpers send one, and split a streamed answer into its SSE `data:` payloads.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.support import loopback

__all__ = ["AUTH", "FAST", "post_chat", "sse_payloads", "stream_chat"]

AUTH = {"authorization": "Bearer sk-test"}
FAST = {"ttft_ms": 0, "tokens_per_s": 0}


def post_chat(base_url: str, body: dict[str, Any], **kwargs: Any) -> httpx.Response:
    """POST `body` to `{base_url}/chat/completions` (base_url ends in /v1) with a key."""
    headers = {**AUTH, **kwargs.pop("headers", {})}
    return loopback.post(
        base_url + "/chat/completions", json=body, headers=headers, timeout=10, **kwargs
    )


def sse_payloads(text: str) -> list[Any]:
    """The JSON of every `data:` line of an SSE body, "[DONE]" kept as the string."""
    out: list[Any] = []
    for line in text.splitlines():
        if line.startswith("data: "):
            data = line[6:]
            out.append(data if data == "[DONE]" else json.loads(data))
    return out


def stream_chat(base_url: str, body: dict[str, Any]) -> tuple[httpx.Response, list[Any]]:
    """A streamed request's response (read whole) and its SSE payloads."""
    response = post_chat(base_url, {**body, "stream": True})
    return response, sse_payloads(response.text)
