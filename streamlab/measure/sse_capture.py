"""Tee the raw Server-Sent Events bytes of a request while the OpenAI SDK parses them.

`ChatOpenAI(http_client=tap.client())` sends its request through a transport that passes every
response byte on unchanged and also splits it into SSE lines with arrival times. So the
chunk inspector can put the wire format next to the `AIMessageChunk`s of the SAME run,
instead of replaying the prompt in a second request that could answer differently.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

from streamlab.client.http import http_client, ssl_context

__all__ = ["SSEKind", "SSELine", "SSETap", "classify_sse_line", "parse_sse_data"]

SSEKind = Literal["role", "content", "tool_call", "finish", "usage", "done", "other"]


@dataclass(frozen=True, slots=True)
class SSELine:
    t_ns: int  # perf_counter_ns() when the bytes holding the line's end arrived
    text: str  # one line without its line break, e.g. 'data: {"id": ...}'


def parse_sse_data(line: str) -> Any:
    """The JSON payload of a `data:` line; "[DONE]" for the end marker; None for other lines."""
    if not line.startswith("data:"):
        return None
    payload = line[5:].strip()
    if payload == "[DONE]":
        return payload
    try:
        return json.loads(payload)
    except json.JSONDecodeError:
        return None


def classify_sse_line(line: str) -> SSEKind:
    """What an OpenAI chat-completions SSE line carries, in the words the lesson uses."""
    data = parse_sse_data(line)
    if data == "[DONE]":
        return "done"
    if not isinstance(data, dict):
        return "other"
    choices = data.get("choices") or []
    if not choices:
        return "usage" if data.get("usage") else "other"
    choice = choices[0]
    delta = choice.get("delta") or {}
    if choice.get("finish_reason"):
        return "finish"
    if delta.get("content"):
        return "content"
    if delta.get("tool_calls"):
        return "tool_call"
    return "role" if delta.get("role") else "other"


class _TeeStream(httpx.SyncByteStream):
    def __init__(self, inner: httpx.SyncByteStream, sink: Callable[[bytes], None]) -> None:
        self._inner = inner
        self._sink = sink

    def __iter__(self) -> Iterator[bytes]:
        for part in self._inner:
            self._sink(part)  # record first, so the line's time is not delayed by parsing
            yield part

    def close(self) -> None:
        self._inner.close()


class _TeeTransport(httpx.BaseTransport):
    def __init__(self, tap: SSETap, inner: httpx.BaseTransport) -> None:
        self._tap = tap
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._tap.start()
        response = self._inner.handle_request(request)
        assert isinstance(response.stream, httpx.SyncByteStream)
        return httpx.Response(
            status_code=response.status_code,
            headers=response.headers,
            stream=_TeeStream(response.stream, self._tap.feed),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._inner.close()


@dataclass(slots=True)
class SSETap:
    """Collects the raw lines of every response sent through `client()` (one run per tap)."""

    clock: Callable[[], int] = time.perf_counter_ns
    lines: list[SSELine] = field(default_factory=list)
    start_ns: int | None = None
    _partial: bytes = b""

    def start(self) -> None:
        """Start the clock (the transport calls it when the request leaves)."""
        if self.start_ns is None:
            self.start_ns = self.clock()

    def client(self, *, timeout_s: float = 60.0) -> httpx.Client:
        """An httpx client for `ChatOpenAI(http_client=...)` whose responses are teed here."""
        return http_client(
            transport=_TeeTransport(self, httpx.HTTPTransport(verify=ssl_context())), timeout=timeout_s
        )

    def feed(self, data: bytes) -> None:
        """Split arriving bytes into lines; a line cut across network reads waits for its end."""
        now = self.clock()
        *complete, self._partial = (self._partial + data).split(b"\n")
        for raw in complete:
            self.lines.append(SSELine(now, raw.rstrip(b"\r").decode("utf-8", errors="replace")))

    def data_lines(self) -> list[SSELine]:
        """The `data:` lines only (the blank lines between events are separators)."""
        return [line for line in self.lines if line.text.startswith("data:")]
