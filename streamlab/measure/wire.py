"""Watch an HTTP response on the wire: every chunk the client reads, with its arrival time.

The FastAPI lesson uses it to show what a browser or `curl -N` would see from the chat app:
when the headers came, when each chunk came and how many bytes it had (before and after
gzip decoding), next to the times the LangChain chain produced its chunks on the server.
The chat app runs in this process, so both sides share one `perf_counter_ns` clock.
"""

from __future__ import annotations

import codecs
import gc
import statistics
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pandas as pd

__all__ = [
    "DisconnectReport",
    "PingReport",
    "WireChunk",
    "WireRecording",
    "chain_frame",
    "compare",
    "curl_command",
    "disconnect_demo",
    "fetch_run",
    "ping_while_streaming",
    "record",
    "server_stats",
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


def _ms(t_ns: int, start_ns: int) -> float:
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
    client = client or httpx.Client(timeout=timeout)
    start = time.perf_counter_ns()
    rec = WireRecording(str(httpx.URL(url, params=dict(params or {}))), start)
    try:
        with client.stream("GET", url, params=params, headers=headers) as response:
            rec.headers_ms = _ms(time.perf_counter_ns(), start)
            rec.status, rec.headers = response.status_code, dict(response.headers)
            decoder = _Decoder(response.headers.get("content-encoding", "identity"))
            for raw in response.iter_raw():
                now = time.perf_counter_ns()
                body, text = decoder.decode(raw)
                chunk = WireChunk(len(rec.chunks), now, _ms(now, start), len(raw), len(body), text)
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
    rec.end_ms = _ms(end, start)
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
    with httpx.Client(timeout=timeout) as client:
        return {
            label: record(base_url + path, params=params, client=client) for label, path in paths.items()
        }


# --- the server's side ---------------------------------------------------------------------------


def server_stats(base_url: str, *, timeout: float = 5.0) -> dict[str, Any]:
    """The chat app's totals and its threadpool limit (`/stats`)."""
    return httpx.get(f"{base_url}/stats", timeout=timeout).json()


def fetch_run(base_url: str, rid: str | None, *, timeout: float = 5.0) -> dict[str, Any] | None:
    """The chat app's probe for one request (`/stats/{rid}`), or None if unknown."""
    if not rid:
        return None
    try:
        response = httpx.get(f"{base_url}/stats/{rid}", timeout=timeout)
    except httpx.HTTPError:
        return None
    return response.json() if response.status_code == 200 else None


def chain_frame(run: Mapping[str, Any] | None, start_ns: int) -> pd.DataFrame:
    """The chain's chunks on the client's time axis (ms since the request was sent)."""
    columns = ["chunk", "t_ms", "chars"]
    if not run:
        return pd.DataFrame(columns=columns)
    rows = [
        {"chunk": i, "t_ms": round(_ms(t, start_ns), 2), "chars": chars}
        for i, (t, chars) in enumerate(zip(run["chunk_ns"], run["chunk_chars"], strict=True))
    ]
    return pd.DataFrame(rows, columns=columns)


def _sim_stats(sim_url: str | None) -> dict[str, int] | None:
    if not sim_url:
        return None
    try:
        return httpx.get(sim_url.rstrip("/") + "/v1/sim/stats", timeout=5).json()
    except httpx.HTTPError:
        return None


@contextmanager
def _gc_paused(pause: bool) -> Iterator[None]:
    was_enabled = gc.isenabled()
    if pause:
        gc.disable()
    try:
        yield
    finally:
        if pause and was_enabled:
            gc.enable()


@dataclass(slots=True)
class DisconnectReport:
    recording: WireRecording
    received_chunks: int
    chain_chunks_at_disconnect: int
    chain_chunks_after: int  # after `settle_s` (and before any garbage collection)
    outcome_after: str  # the probe's outcome after `settle_s`: running / closed / cancelled / ...
    ended_after_ms: float | None  # disconnect → the chain's generator ended
    sim_chunks_before: int | None  # chunks the model server sent until the disconnect
    sim_chunks_after: int | None  # chunks the model server sent in the `settle_s` after it
    sim_disconnected: int | None  # model-server streams that ended by disconnect in the meantime
    outcome_after_gc: str | None = None  # after an explicit gc.collect(), when requested


def disconnect_demo(
    base_url: str,
    path: str,
    params: Mapping[str, Any],
    *,
    after_chunks: int = 5,
    settle_s: float = 1.0,
    sim_url: str | None = None,
    pause_gc: bool = True,
    collect_after: bool = True,
) -> DisconnectReport:
    """Hang up after `after_chunks` chunks, then watch the server for `settle_s` seconds.

    With `pause_gc` the garbage collector is off while we watch, so what stops the chain
    is the framework, not a lucky collection; `collect_after` then runs `gc.collect()`
    and reports the outcome again.
    """
    sim_before = _sim_stats(sim_url)
    with _gc_paused(pause_gc):
        rec = record(base_url + path, params=params, stop_after_chunks=after_chunks)
        at_disconnect = fetch_run(base_url, rec.run_id) or {}
        sim_at = _sim_stats(sim_url)
        time.sleep(settle_s)
        after = fetch_run(base_url, rec.run_id) or {}
        sim_mid = _sim_stats(sim_url)
    outcome_after_gc = None
    if collect_after:
        gc.collect()
        outcome_after_gc = (fetch_run(base_url, rec.run_id) or {}).get("outcome")
    ended = after.get("ended_ns")
    disconnect_ns = rec.disconnect_ns or rec.start_ns
    return DisconnectReport(
        recording=rec,
        received_chunks=len(rec.chunks),
        chain_chunks_at_disconnect=int(at_disconnect.get("chunks", 0)),
        chain_chunks_after=int(after.get("chunks", 0)),
        outcome_after=str(after.get("outcome", "unknown")),
        ended_after_ms=None if ended is None else round(_ms(ended, disconnect_ns), 1),
        sim_chunks_before=_delta(sim_before, sim_at, "chunks_sent"),
        sim_chunks_after=_delta(sim_at, sim_mid, "chunks_sent"),
        sim_disconnected=_delta(sim_before, sim_mid, "streams_disconnected"),
        outcome_after_gc=outcome_after_gc,
    )


def _delta(before: Mapping[str, int] | None, after: Mapping[str, int] | None, key: str) -> int | None:
    if before is None or after is None:
        return None
    return int(after[key]) - int(before[key])


@dataclass(slots=True)
class PingReport:
    recording: WireRecording
    pings_ms: list[float]
    threads: list[str]  # threads in the chat server that produced the chain's chunks

    @property
    def worst_ms(self) -> float | None:
        return max(self.pings_ms) if self.pings_ms else None

    @property
    def median_ms(self) -> float | None:
        return statistics.median(self.pings_ms) if self.pings_ms else None


def ping_while_streaming(
    base_url: str, path: str, params: Mapping[str, Any], *, every_s: float = 0.02, timeout: float = 30.0
) -> PingReport:
    """Stream `path` while another client pings `/healthz`: is the event loop still free?"""
    result: dict[str, WireRecording] = {}
    worker = threading.Thread(
        target=lambda: result.setdefault("rec", record(base_url + path, params=params, timeout=timeout)),
        name="wire-stream",
    )
    pings: list[float] = []
    with httpx.Client(timeout=timeout) as client:
        client.get(base_url + "/healthz")  # open the keep-alive connection before measuring
        worker.start()
        while worker.is_alive():
            t = time.perf_counter_ns()
            client.get(base_url + "/healthz")
            pings.append(_ms(time.perf_counter_ns(), t))
            time.sleep(every_s)
    worker.join()
    rec = result["rec"]
    run = fetch_run(base_url, rec.run_id) or {}
    return PingReport(rec, pings, list(run.get("threads", [])))


def curl_command(url: str, params: Mapping[str, Any]) -> str:
    """The same request as a `curl -N` line (-N: print bytes as they arrive, no buffering)."""
    return f"curl -N '{httpx.URL(url, params=dict(params))}'"
