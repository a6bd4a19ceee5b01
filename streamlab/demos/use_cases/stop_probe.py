"""Prove what stopping a stream does upstream, with the embedded simulator's own counters.

A chat UI's Stop button is only honest if the model stops generating. The simulator counts
streams that end because the client went away (`/v1/sim/stats`: `streams_disconnected`) and every
chunk it sent, so "stopped" can be shown as a number, not taken on trust.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any

import httpx

from streamlab.client.http import http_get

__all__ = ["CloseMeasurement", "StopProof", "measure_early_close", "prove_stopped", "server_stats"]

Stats = dict[str, int]


def server_stats(base_url: str | None, *, timeout_s: float = 2.0) -> Stats | None:
    """The simulator's counters (`base_url` ends in /v1), or None if there is no simulator there."""
    if not base_url:
        return None
    try:
        response = http_get(base_url.rstrip("/") + "/sim/stats", timeout=timeout_s)
        return response.json() if response.status_code == 200 else None
    except (httpx.HTTPError, ValueError):
        return None


@dataclass(frozen=True, slots=True)
class StopProof:
    disconnected: int  # streams the server saw end early since `before`
    chunks_sent: int  # chunks it sent meanwhile
    chunks_after: int  # chunks sent after it noticed the disconnect: 0 means it really stopped

    @property
    def stopped(self) -> bool:
        return self.disconnected > 0 and self.chunks_after == 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def prove_stopped(
    base_url: str | None, before: Stats | None, *, timeout_s: float = 1.0, settle_s: float = 0.2
) -> StopProof | None:
    """Wait until the server counts a disconnect (at most `timeout_s`), then check it stays quiet."""
    if before is None:
        return None
    deadline = time.monotonic() + timeout_s
    now = server_stats(base_url)
    while now and now["streams_disconnected"] == before["streams_disconnected"]:
        if time.monotonic() > deadline:
            break
        time.sleep(0.02)
        now = server_stats(base_url)
    if now is None:
        return None
    time.sleep(settle_s)  # a stream still running would keep sending chunks meanwhile
    later = server_stats(base_url) or now
    return StopProof(
        disconnected=now["streams_disconnected"] - before["streams_disconnected"],
        chunks_sent=later["chunks_sent"] - before["chunks_sent"],
        chunks_after=later["chunks_sent"] - now["chunks_sent"],
    )


@dataclass(frozen=True, slots=True)
class CloseMeasurement:
    label: str
    close_ms: float  # how long `close()` on the stream took
    chunks_sent: int  # chunks the server sent for the request
    disconnected: bool  # the server saw the client go away (True) or finished the stream (False)


def measure_early_close(
    label: str, open_stream: Callable[[], Iterable[object]], base_url: str, *, after: int = 5
) -> CloseMeasurement:
    """Read `after` chunks from `open_stream()`, close it, and ask the server what happened."""
    before = server_stats(base_url) or {}
    stream = iter(open_stream())
    for _ in zip(range(after), stream, strict=False):
        pass
    started = time.perf_counter()
    stream.close()  # type: ignore[attr-defined]
    close_ms = (time.perf_counter() - started) * 1000
    proof = prove_stopped(base_url, before, timeout_s=0.5, settle_s=0.1)
    disconnected = bool(proof and proof.disconnected)
    return CloseMeasurement(label, close_ms, proof.chunks_sent if proof else -1, disconnected)
