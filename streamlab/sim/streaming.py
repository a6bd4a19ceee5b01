"""Keeping a plan's schedule on the wire: the SSE stream, the delayed JSON answer, the counters.

Both paths stop the moment the client leaves (a closed tab, a Stop button, a timeout), so an
abandoned request costs nothing after it is abandoned, and the counters prove it.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

from fastapi.responses import JSONResponse, Response

from streamlab.sim.options import fault_after
from streamlab.sim.protocol import completion_object, sse_event, stream_events

if TYPE_CHECKING:
    from starlette.requests import Request

    from streamlab.sim.plan import CompletionPlan
    from streamlab.sim.traces import SendTrace

__all__ = [
    "MAX_BATCH",
    "MID_STREAM_ERROR",
    "TIMEOUT_FAULT_MAX_S",
    "DroppedConnection",
    "ServerStats",
    "complete",
    "sse",
]

MAX_BATCH = 64  # at zero latency, chunks due together go out in one write (fewer syscalls)
TIMEOUT_FAULT_MAX_S = 120.0  # the "timeout" fault waits this long at most, then gives up itself


MID_STREAM_ERROR = {
    "error": {
        "message": "The server had an error while processing your request (simulated).",
        "type": "server_error",
        "param": None,
        "code": "server_error",
    }
}
"""The error_after:N fault's event, shaped like OpenAI's (its SDK raises `APIError` with it)."""


class DroppedConnection(Exception):
    """Raised inside a response stream to cut the connection (the drop_after fault)."""


@dataclass(slots=True)
class ServerStats:
    """Counters the tests and the Stop lessons read to prove what the server really did."""

    requests: int = 0
    active_requests: int = 0  # chat requests accepted and not yet finished or abandoned
    abandoned: int = 0  # non-streaming requests whose client left before the answer
    streams_started: int = 0
    streams_completed: int = 0
    streams_disconnected: int = 0  # the client went away before the end
    chunks_sent: int = 0
    active_streams: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def bump(self, **deltas: int) -> None:
        with self._lock:
            for name, delta in deltas.items():
                setattr(self, name, getattr(self, name) + delta)

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}


async def _client_left(request: Request) -> None:
    # Once the body is read, the next ASGI message is the disconnect (uvicorn sends nothing else).
    while (await request.receive())["type"] != "http.disconnect":
        pass


async def _sleep_while_connected(request: Request, delay: float) -> bool:
    """Sleep `delay` seconds; False as soon as the client leaves instead."""
    watcher = asyncio.ensure_future(_client_left(request))
    try:
        done, _ = await asyncio.wait({watcher}, timeout=max(delay, 0.0))
        return not done
    finally:
        watcher.cancel()


async def complete(
    plan: CompletionPlan, request: Request, stats: ServerStats, trace: SendTrace | None
) -> Response:
    """The whole answer as one JSON object, sent when its last token would have been."""
    stats.bump(active_requests=1)
    try:
        if plan.fault and plan.fault.kind == "timeout":
            await _sleep_while_connected(request, TIMEOUT_FAULT_MAX_S)
            return JSONResponse({"error": {"message": "timed out"}}, status_code=504)
        if plan.last_offset and not await _sleep_while_connected(request, plan.last_offset):
            stats.bump(abandoned=1)
            return Response(status_code=499)  # nobody is left to read it
        if plan.fault and plan.fault.kind == "error_after":  # it failed while generating
            return JSONResponse(MID_STREAM_ERROR, status_code=500)
        response = JSONResponse(completion_object(plan))
        if trace is not None:  # the whole answer goes out in this one response, right after this
            trace.mark_sent([plan.text] if plan.text else [])
            trace.finish()
        return response
    finally:
        stats.bump(active_requests=-1)


async def sse(
    plan: CompletionPlan, stats: ServerStats, trace: SendTrace | None = None
) -> AsyncIterator[bytes]:
    """The answer as server-sent events, each chunk at its due time (Starlette cancels this
    generator when the client disconnects)."""
    # Counted from the first iteration: a stream whose client left before it started never runs.
    stats.bump(streams_started=1, active_streams=1, active_requests=1)
    finished = False
    pending: list[bytes] = []  # chunks already due, sent together in one write
    pending_texts: list[str] = []  # their content, for the trace

    def flush() -> bytes:
        stats.bump(chunks_sent=len(pending))
        data = b"".join(pending)
        pending.clear()
        if trace is not None:
            # Stamped as the bytes are handed over: Starlette's send() and uvicorn's
            # transport.write() follow without any await, so this is the socket write. (After
            # the yield returns would be later: this thread first waits for the GIL, which the
            # receiving client thread in the same process may hold.)
            trace.mark_sent(pending_texts)
        pending_texts.clear()
        return data

    try:
        if plan.fault and plan.fault.kind == "timeout":
            await asyncio.sleep(TIMEOUT_FAULT_MAX_S)  # cancelled when the client gives up
            return
        start = time.perf_counter()
        drop_at = fault_after(plan.fault, "drop_after")
        error_at = fault_after(plan.fault, "error_after")
        for sent, (due, event, text) in enumerate(stream_events(plan)):
            if sent == drop_at:
                if pending:
                    yield flush()
                raise DroppedConnection(f"simulated drop after {sent} chunks")
            if sent == error_at:
                # A real server that fails mid-answer sends one error event and ends the response.
                pending.append(sse_event(MID_STREAM_ERROR))
                yield flush()
                finished = True
                return
            delay = 0.0 if due is None else start + due - time.perf_counter()
            if delay > 0:
                # Never hold a due chunk back while waiting for the next one.
                if pending:
                    yield flush()
                await asyncio.sleep(delay)
            pending.append(event)
            if trace is not None and text:
                pending_texts.append(text)
            if len(pending) >= MAX_BATCH:
                yield flush()
        if pending:
            yield flush()
        yield b"data: [DONE]\n\n"
        finished = True
        if trace is not None:
            trace.finish()
    finally:
        # Cancellation (client disconnect) lands here too: count it so "Stop" can be proven.
        ended = {"streams_completed": 1} if finished else {"streams_disconnected": 1}
        stats.bump(active_streams=-1, active_requests=-1, **ended)
