"""Watch an HTTP response on the wire: every chunk the client reads, with its arrival time.

What a browser or `curl -N` would see: when the headers came, when each chunk came and how many
bytes it had (before and after gzip decoding). Times are `perf_counter_ns()`, so a server in the
same process (the FastAPI lesson's chat app) can be put on the same clock.
"""

from __future__ import annotations

import codecs
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import pandas as pd

from streamlab.client.http import http_client

__all__ = [
    "WireChunk",
    "WireRecording",
    "compare",
    "ms_since",
    "record",
    "summarize",
    "summary_frame",
    "to_frame",
]

_NS_PER_MS = 1_000_000


@dataclass(frozen=True, slots=True)
class WireChunk:
    index: int
    t_ns: int  # perf_counter_ns() when the client read it
    t_ms: float  # since the request was sent
    wire_bytes: int  # as read off the connection (compressed if the body is gzip-encoded)
    body_bytes: int  # after content decoding
    text: str  # the decoded bytes as text (incremental UTF-8)


@dataclass(slots=True)
class WireRecording:
    url: str
    start_ns: int
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    headers_ms: float | None = None
    chunks: list[WireChunk] = field(default_factory=list)
    end_ms: float | None = None
    error: str | None = None  # what the client library raised, e.g. an incomplete chunked body
    disconnected: bool = False  # the client hung up on purpose (stop_after_chunks)
    disconnect_ns: int | None = None

    @property
    def text(self) -> str:
        return "".join(c.text for c in self.chunks)

    @property
    def wire_bytes(self) -> int:
        return sum(c.wire_bytes for c in self.chunks)

    @property
    def body_bytes(self) -> int:
        return sum(c.body_bytes for c in self.chunks)

    @property
    def first_byte_ms(self) -> float | None:
        return next((c.t_ms for c in self.chunks if c.wire_bytes), None)

    @property
    def first_text_ms(self) -> float | None:
        return next((c.t_ms for c in self.chunks if c.text.strip()), None)

    @property
    def run_id(self) -> str | None:
        return self.headers.get("x-run-id")


class _Decoder:
    """Content decoding done by hand, so wire bytes and body bytes can both be counted."""

    def __init__(self, encoding: str) -> None:
        self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS) if encoding == "gzip" else None
        self._utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def decode(self, raw: bytes) -> tuple[bytes, str]:
        body = self._zlib.decompress(raw) if self._zlib is not None else raw
        return body, self._utf8.decode(body)


def ms_since(t_ns: int, start_ns: int) -> float:
    """Milliseconds from `start_ns` to `t_ns` (both `perf_counter_ns()`)."""
    return (t_ns - start_ns) / _NS_PER_MS


def record(
    url: str,
    *,
    params: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    stop_after_chunks: int | None = None,
    on_chunk: Callable[[WireChunk, WireRecording], None] | None = None,
    timeout: float = 30.0,
    client: httpx.Client | None = None,
) -> WireRecording:
    """GET `url` and timestamp every chunk read; never raises for HTTP or connection errors.

    `stop_after_chunks` closes the connection after that many non-empty chunks (a client
    disconnect). `on_chunk` is called after each chunk is stamped (e.g. to update a UI).
    """
    owned = client is None
    client = client or http_client(timeout=timeout)
    start = time.perf_counter_ns()
    rec = WireRecording(str(httpx.URL(url, params=dict(params or {}))), start)
    try:
        with client.stream("GET", url, params=params, headers=headers) as response:
            rec.headers_ms = ms_since(time.perf_counter_ns(), start)
            rec.status, rec.headers = response.status_code, dict(response.headers)
            decoder = _Decoder(response.headers.get("content-encoding", "identity"))
            for raw in response.iter_raw():
                now = time.perf_counter_ns()
                body, text = decoder.decode(raw)
                chunk = WireChunk(len(rec.chunks), now, ms_since(now, start), len(raw), len(body), text)
                rec.chunks.append(chunk)
                if on_chunk is not None:
                    on_chunk(chunk, rec)
                if stop_after_chunks is not None and len(rec.chunks) >= stop_after_chunks:
                    rec.disconnected = True
                    break
    except (httpx.HTTPError, zlib.error) as exc:
        rec.error = f"{type(exc).__name__}: {exc}"
    finally:
        if owned:
            client.close()
    end = time.perf_counter_ns()  # after the with-block: the connection is closed by now
    rec.end_ms = ms_since(end, start)
    if rec.disconnected:
        rec.disconnect_ns = end
    return rec


def to_frame(rec: WireRecording) -> pd.DataFrame:
    """One row per chunk read: time, gap, bytes on the wire and after decoding, the text."""
    rows = [
        {
            "chunk": c.index,
            "t_ms": round(c.t_ms, 2),
            "wire_bytes": c.wire_bytes,
            "body_bytes": c.body_bytes,
            "text": c.text,
        }
        for c in rec.chunks
    ]
    frame = pd.DataFrame(rows, columns=["chunk", "t_ms", "wire_bytes", "body_bytes", "text"])
    frame.insert(2, "gap_ms", frame["t_ms"].diff().round(2))
    frame["cum_body_bytes"] = frame["body_bytes"].cumsum()
    return frame


def summarize(rec: WireRecording, label: str | None = None) -> dict[str, Any]:
    return {
        "variant": label or rec.url,
        "status": rec.status,
        "content-encoding": rec.headers.get("content-encoding", "none"),
        "headers_ms": _round(rec.headers_ms),
        "first_byte_ms": _round(rec.first_byte_ms),
        "first_text_ms": _round(rec.first_text_ms),
        "end_ms": _round(rec.end_ms),
        "http_chunks": len(rec.chunks),
        "wire_bytes": rec.wire_bytes,
        "body_bytes": rec.body_bytes,
        "error": rec.error or "",
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def summary_frame(recordings: Mapping[str, WireRecording]) -> pd.DataFrame:
    return pd.DataFrame([summarize(rec, label) for label, rec in recordings.items()])


def compare(
    base_url: str, paths: Mapping[str, str], params: Mapping[str, Any], *, timeout: float = 30.0
) -> dict[str, WireRecording]:
    """Send the same request to several paths, one after the other: {label: recording}."""
    with http_client(timeout=timeout) as client:
        return {
            label: record(base_url + path, params=params, client=client) for label, path in paths.items()
        }
