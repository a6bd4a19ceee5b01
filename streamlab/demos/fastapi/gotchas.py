"""The lesson's measured gotchas that need more than one recording: a client that hangs up
mid-answer, and a second client pinging the server while a route streams.

Both drive the chat server over real HTTP and read its probes, so what they report is what the
framework really did (cancelled, closed, or left running; event loop free or blocked).
"""

from __future__ import annotations

import gc
import statistics
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from streamlab.client.http import http_client, http_get
from streamlab.demos.fastapi.client import fetch_run
from streamlab.measure.wire import WireRecording, ms_since, record

__all__ = ["DisconnectReport", "PingReport", "disconnect_demo", "ping_while_streaming"]


def _sim_stats(sim_url: str | None) -> dict[str, int] | None:
    if not sim_url:
        return None
    try:
        return http_get(sim_url.rstrip("/") + "/v1/sim/stats", timeout=5).json()
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
        time.sleep(settle_s)  # the point of the demo: what the server does while nobody reads
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
        ended_after_ms=None if ended is None else round(ms_since(ended, disconnect_ns), 1),
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
    with http_client(timeout=timeout) as client:
        client.get(base_url + "/healthz")  # open the keep-alive connection before measuring
        worker.start()
        while worker.is_alive():
            t = time.perf_counter_ns()
            client.get(base_url + "/healthz")
            pings.append(ms_since(time.perf_counter_ns(), t))
            time.sleep(every_s)  # the ping interval
    worker.join()
    rec = result["rec"]
    run = fetch_run(base_url, rec.run_id) or {}
    return PingReport(rec, pings, list(run.get("threads", [])))
