"""The embedded OpenAI-compatible streaming server (FastAPI).

The real `ChatOpenAI` talks HTTP to it, so every lesson exercises the genuine client,
SSE parsing and chunk merging, with seeded latency instead of a paid API.

Usage:
    python -m streamlab.server --host 127.0.0.1 --port 8765
    curl -N http://127.0.0.1:8765/v1/chat/completions -H 'content-type: application/json' \\
      -d '{"model": "sim-fast", "stream": true,
           "messages": [{"role": "user", "content": "Explain RAG"}]}'

Any API key is accepted except those starting with `sk-bad`, which get HTTP 401 on every
endpoint, so the "wrong key" path can be shown without a real key.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, fields

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse

from streamlab.sim.answers import ALIASES, MODELS
from streamlab.sim.net import require_loopback
from streamlab.sim.plan import CompletionPlan, plan_completion
from streamlab.sim.protocol import completion_object, stream_objects
from streamlab.sim.request import RequestError, parse_request
from streamlab.sim.serving import RunningServer, start_server
from streamlab.sim.traces import SendTrace, TraceStore

__all__ = ["BAD_KEY_PREFIX", "ServerStats", "create_app", "main", "start_embedded"]

BAD_KEY_PREFIX = "sk-bad"  # API keys the simulator rejects with 401, for the "wrong key" lesson
MAX_BATCH = 64  # at zero latency, chunks due together go out in one write (fewer syscalls)
TIMEOUT_FAULT_MAX_S = 120.0  # the "timeout" fault waits this long at most, then gives up itself


class DroppedConnection(Exception):
    """Raised inside a response stream to cut the connection (the drop_after fault)."""


@dataclass(slots=True)
class ServerStats:
    """Counters the tests and the Stop lessons read to prove what the server really did."""

    requests: int = 0
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


def create_app() -> FastAPI:
    app = FastAPI(title="Streaming Runnables Lab simulator", docs_url=None, redoc_url=None)
    app.state.stats = ServerStats()
    app.state.traces = TraceStore()

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/v1/models")
    async def models(request: Request):
        if _rejected_key(request):
            return _bad_key_response()
        names = [*MODELS, *ALIASES]
        data = [{"id": n, "object": "model", "created": 0, "owned_by": "streamlab"} for n in names]
        return {"object": "list", "data": data}

    @app.get("/v1/sim/stats")
    async def stats() -> dict[str, int]:
        return app.state.stats.snapshot()

    @app.get("/v1/sim/traces/{trace_id}")
    async def trace(trace_id: str):
        found = app.state.traces.get(trace_id)
        if found is None:
            err = RequestError(
                404,
                f"No trace {trace_id!r} (only the last few hundred are kept).",
                code="trace_not_found",
            )
            return JSONResponse(err.body(), status_code=404)
        return found.to_json()

    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request):
        app.state.stats.bump(requests=1)
        if _rejected_key(request):
            return _bad_key_response()
        try:
            chat = parse_request(await request.body())
        except RequestError as err:
            return JSONResponse(err.body(), status_code=err.status)
        plan = plan_completion(chat)
        refused = _http_fault(plan)
        if refused is not None:
            return refused
        trace = app.state.traces.start(chat.sim.trace_id) if chat.sim.trace_id else None
        if not chat.stream:
            return await _complete(plan, request, trace)
        return StreamingResponse(
            _sse(plan, request, app.state.stats, trace),
            media_type="text/event-stream",
            headers={"cache-control": "no-cache", "x-accel-buffering": "no"},
        )

    return app


def _rejected_key(request: Request) -> bool:
    """Keys starting with `sk-bad` are refused, so "wrong key" can be shown without a real one.

    Any other key (or none) is accepted: the simulator has no accounts to check against.
    """
    auth = request.headers.get("authorization", "")
    return auth.removeprefix("Bearer ").strip().startswith(BAD_KEY_PREFIX)


def _bad_key_response() -> JSONResponse:
    err = RequestError(
        401,
        f"Incorrect API key provided (keys starting with {BAD_KEY_PREFIX!r} are "
        "rejected by the simulator).",
        code="invalid_api_key",
    )
    return JSONResponse(err.body(), status_code=401)


def _http_fault(plan: CompletionPlan) -> JSONResponse | None:
    kind = plan.fault.kind if plan.fault else None
    if kind == "401":
        err = RequestError(401, "Incorrect API key provided (simulated).", code="invalid_api_key")
    elif kind == "429":
        err = RequestError(
            429,
            "Rate limit reached (simulated). Retry after 1 second.",
            code="rate_limit_exceeded",
            type_="requests",
        )
        return JSONResponse(err.body(), status_code=429, headers={"retry-after": "1"})
    elif kind == "500":
        err = RequestError(
            500, "The server had an error (simulated).", code="server_error", type_="server_error"
        )
    else:
        return None
    return JSONResponse(err.body(), status_code=err.status)


async def _wait_for_disconnect(request: Request) -> None:
    deadline = time.monotonic() + TIMEOUT_FAULT_MAX_S
    while time.monotonic() < deadline and not await request.is_disconnected():
        await asyncio.sleep(0.05)


async def _complete(plan: CompletionPlan, request: Request, trace: SendTrace | None) -> JSONResponse:
    if plan.fault and plan.fault.kind == "timeout":
        await _wait_for_disconnect(request)
        return JSONResponse({"error": {"message": "timed out"}}, status_code=504)
    if plan.offsets:  # a non-streaming answer arrives when the last token would have
        await asyncio.sleep(plan.offsets[-1])
    response = JSONResponse(completion_object(plan))
    if trace is not None:  # the whole answer goes out in this one response, right after this
        trace.mark_sent([plan.text] if plan.text else [])
        trace.finish()
    return response


def _sse_event(obj: dict) -> bytes:
    return b"data: " + json.dumps(obj, separators=(",", ":")).encode() + b"\n\n"


async def _sse(
    plan: CompletionPlan, request: Request, stats: ServerStats, trace: SendTrace | None = None
) -> AsyncIterator[bytes]:
    stats.bump(streams_started=1, active_streams=1)
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
            await _wait_for_disconnect(request)
            return
        start = time.perf_counter()
        drop_at = plan.fault.after if plan.fault and plan.fault.kind == "drop_after" else None
        for sent, (due, obj) in enumerate(stream_objects(plan)):
            if sent == drop_at:
                if pending:
                    yield flush()
                raise DroppedConnection(f"simulated drop after {sent} chunks")
            delay = 0.0 if due is None else start + due - time.perf_counter()
            if delay > 0:
                # Never hold a due chunk back while waiting for the next one.
                if pending:
                    yield flush()
                await asyncio.sleep(delay)
            pending.append(_sse_event(obj))
            if trace is not None and (text := _content_of(obj)):
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
        stats.bump(
            active_streams=-1, **({"streams_completed": 1} if finished else {"streams_disconnected": 1})
        )


def _content_of(obj: dict) -> str:
    choices = obj.get("choices") or [{}]
    return choices[0].get("delta", {}).get("content") or ""


class _QuietDrops(logging.Filter):
    """The drop_after fault is intentional; keep its traceback out of the server log."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        for _ in range(10):  # bounded walk down causes and exception groups
            if exc is None:
                break
            if isinstance(exc, DroppedConnection):
                return False
            exc = (
                exc.__cause__
                or exc.__context__
                or (exc.exceptions[0] if isinstance(exc, BaseExceptionGroup) else None)
            )
        return True


logging.getLogger("uvicorn.error").addFilter(_QuietDrops())


def start_embedded() -> RunningServer:
    """The simulator on a free loopback port in this process; `.base_url + "/v1"` for OpenAI clients."""
    return start_server(create_app())


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description="OpenAI-compatible streaming simulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow binding a non-loopback address (exposes the server)",
    )
    args = parser.parse_args(argv)
    require_loopback(args.host, allow_remote=args.allow_remote)
    uvicorn.run(create_app(), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
