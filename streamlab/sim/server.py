"""The embedded OpenAI-compatible streaming server (FastAPI).

The real `ChatOpenAI` talks HTTP to it, so every lesson exercises the genuine client,
SSE parsing and chunk merging, with seeded latency instead of a paid API.

Usage:
    python -m streamlab.server --host 127.0.0.1 --port 8765
    curl -N http://127.0.0.1:8765/v1/chat/completions -H 'content-type: application/json' \\
      -H 'authorization: Bearer sk-any' \\
      -d '{"model": "sim-fast", "stream": true,
           "messages": [{"role": "user", "content": "Explain RAG"}]}'

Any API key is accepted except those starting with `sk-bad`, which get HTTP 401 on every
endpoint (as does a request with no key at all, as on OpenAI), so the "wrong key" path can be
shown without a real key. Unknown routes and methods get OpenAI's error body. Hostile requests
get an OpenAI-style 4xx and one log line (never a traceback): foreign `Host` names, non-JSON or
oversized or stalled bodies, and every shape `streamlab.sim.request` refuses.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.exceptions import HTTPException

from streamlab.sim.body import BODY_TIMEOUT_S, MAX_BODY_BYTES, BodyLimits, read_json_body
from streamlab.sim.errors import BAD_KEY_PREFIX, key_error, route_error
from streamlab.sim.headers import OpenAIHeaders
from streamlab.sim.models import model_names, model_object, resolve_model
from streamlab.sim.net import LoopbackHostGuard, require_loopback
from streamlab.sim.plan import CompletionPlan, plan_completion
from streamlab.sim.request import ChatRequest, RequestError, parse_request
from streamlab.sim.responses.endpoint import create_response
from streamlab.sim.serving import RunningServer, start_server
from streamlab.sim.streaming import DroppedConnection, ServerStats, complete, sse
from streamlab.sim.traces import TraceStore

__all__ = ["BAD_KEY_PREFIX", "ServerLimits", "ServerStats", "create_app", "main", "start_embedded"]

SHUTDOWN_GRACE_S = 2  # on SIGTERM, requests still running after this are cancelled
OFFLOAD_BYTES = 64 << 10  # bodies larger than this are parsed in a worker thread
log = logging.getLogger("streamlab.sim")


@dataclass(frozen=True, slots=True)
class ServerLimits:
    """What one client may ask of the simulator (tests shrink these to stay fast)."""

    max_body_bytes: int = MAX_BODY_BYTES
    body_timeout_s: float = BODY_TIMEOUT_S
    loopback_hosts_only: bool = True
    """Refuse `Host` headers that are not loopback names (DNS rebinding); off with --allow-remote."""

    @property
    def body(self) -> BodyLimits:
        return BodyLimits(self.max_body_bytes, self.body_timeout_s)


def create_app(limits: ServerLimits | None = None) -> FastAPI:
    limits = limits or ServerLimits()
    app = FastAPI(title="Streaming Runnables Lab simulator", docs_url=None, redoc_url=None)
    app.add_middleware(OpenAIHeaders)
    if limits.loopback_hosts_only:
        app.add_middleware(LoopbackHostGuard)
    app.state.stats = ServerStats()
    app.state.traces = TraceStore()

    @app.exception_handler(HTTPException)
    async def unknown_route(request: Request, exc: HTTPException) -> JSONResponse:
        # OpenAI answers an unknown URL or a wrong method with its usual error body, not FastAPI's.
        err = route_error(exc.status_code, request.method, request.url.path)
        return JSONResponse(err.body(), status_code=err.status, headers=exc.headers)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/v1/models")
    async def models(request: Request):
        if (refused := _key_error(request)) is not None:
            return _refuse(refused)
        return {"object": "list", "data": [model_object(name) for name in model_names()]}

    @app.get("/v1/models/{model}")
    async def model(model: str, request: Request):
        if (refused := _key_error(request)) is None and resolve_model(model) is None:
            message = f"The model '{model[:64]}' does not exist or you do not have access to it."
            refused = RequestError(404, message, code="model_not_found", param="model")
        return _refuse(refused) if refused is not None else model_object(model)

    @app.get("/v1/sim/stats")
    async def stats() -> dict[str, int]:
        return app.state.stats.snapshot()

    @app.get("/v1/sim/traces/{trace_id}")
    async def trace(trace_id: str):
        found = app.state.traces.get(trace_id)
        if found is None:
            message = f"No trace {trace_id[:64]!r} (only the most recent ones are kept)."
            return JSONResponse(
                RequestError(404, message, code="trace_not_found").body(), status_code=404
            )
        return found.to_json()

    @app.post("/v1/responses")
    async def responses(request: Request) -> Response:
        return await create_response(
            request,
            stats=app.state.stats,
            traces=app.state.traces,
            body_limits=limits.body,
            refuse=_refuse,
            key_error=_key_error(request),
        )

    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request) -> Response:
        app.state.stats.bump(requests=1)
        try:
            if (key_refused := _key_error(request)) is not None:
                raise key_refused
            raw = await read_json_body(request, limits.body)
            if len(raw) > OFFLOAD_BYTES:  # parsing a long prompt must not stall other streams
                chat, plan = await asyncio.to_thread(_parse_and_plan, raw)
            else:
                chat, plan = _parse_and_plan(raw)
        except RequestError as err:
            return _refuse(err)
        except Exception as exc:  # a bug, not the client's fault: one line, no 5 KB traceback
            log.error("internal error %s: %s", type(exc).__name__, str(exc)[:200].replace("\n", " "))
            failed = RequestError(
                500, "The simulator failed on this request.", code="server_error", type_="server_error"
            )
            return JSONResponse(failed.body(), status_code=500)
        refused = _http_fault(plan)
        if refused is not None:
            return refused
        trace = app.state.traces.start(chat.sim.trace_id) if chat.sim.trace_id else None
        if not chat.stream:
            return await complete(plan, request, app.state.stats, trace)
        return StreamingResponse(
            sse(plan, app.state.stats, trace),
            media_type="text/event-stream",
            headers={"cache-control": "no-cache", "x-accel-buffering": "no"},
        )

    return app


def _parse_and_plan(raw: bytes) -> tuple[ChatRequest, CompletionPlan]:
    chat = parse_request(raw)
    return chat, plan_completion(chat)


def _refuse(err: RequestError) -> JSONResponse:
    log.warning("refused %s %s (param %s): %s", err.status, err.code, err.param, err.message[:200])
    # A refused body may be partly unread: close the connection rather than parse the rest.
    headers = {"connection": "close"} if err.status in (408, 413) else None
    return JSONResponse(err.body(), status_code=err.status, headers=headers)


def _key_error(request: Request) -> RequestError | None:
    """OpenAI's 401 for a request with no API key, or with a `sk-bad…` one (the "wrong key" lesson)."""
    return key_error(request.headers.get("authorization", ""))


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


class _QuietDrops(logging.Filter):
    """Keep expected endings out of the server log: the drop_after fault (intentional) and
    requests cancelled at shutdown (uvicorn already logs one line saying how many)."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        for _ in range(10):  # bounded walk down causes and exception groups
            if exc is None:
                break
            if isinstance(exc, DroppedConnection | asyncio.CancelledError):
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
    app = create_app(ServerLimits(loopback_hosts_only=not args.allow_remote))
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level="warning",
        timeout_graceful_shutdown=SHUTDOWN_GRACE_S,
    )


if __name__ == "__main__":
    main()
