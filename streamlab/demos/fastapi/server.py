"""The seed's "Streaming + FastAPI" pattern as a real local server, instrumented for the lesson.

Routes call the functions in `streamlab/recipes/fastapi.py` (the code the page shows).
A pass-through probe after the model timestamps every chunk the chain produces and records
how the chain ended (completed, closed, cancelled, error), so the page can prove what a
client disconnect really does upstream. `/gzip/...` serves the same routes behind Starlette's
`GZipMiddleware`; `/proxy/...` behind a stand-in for a buffering reverse proxy (nginx-style).

Usage:
    python -m streamlab.chat_api --port 8766       # starts its own embedded simulator
    curl -N 'http://127.0.0.1:8766/chat?q=Explain+RAG'
    curl -N 'http://127.0.0.1:8766/chat/sse?q=Explain+RAG'
    open http://127.0.0.1:8766/ for the browser client (fetch + ReadableStream, EventSource)
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import logging
import os
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import anyio.to_thread
from fastapi import APIRouter, FastAPI, HTTPException, Query
from fastapi.responses import HTMLResponse, Response
from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import Runnable, RunnableGenerator
from starlette.datastructures import Headers
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from streamlab.client.providers import ProviderConfig, build_chat_model, embedded_config
from streamlab.measure.recorder import chunk_text
from streamlab.recipes import fastapi as recipes
from streamlab.sim.net import require_loopback
from streamlab.sim.serving import RunningServer, start_server

__all__ = [
    "BufferingProxy",
    "ChatServer",
    "ChatService",
    "RunProbe",
    "create_chat_app",
    "main",
    "start_chat_server",
]

ModelFactory = Callable[[ProviderConfig, "dict[str, Any] | None"], BaseChatModel]
Outcome = Literal["running", "completed", "closed", "cancelled", "error"]
CLIENT_HTML = Path(__file__).with_name("static") / "chat_client.html"
FAULT_PATTERN = r"^(drop_after:\d{1,4}|500|429)$"
MAX_RUNS = 200
MAX_CONFIGS = 256  # every sidebar change is a new config; old tokens expire first-in, first-out
PROXY_BUFFER_BYTES = 4096  # nginx's default proxy_buffer_size is one memory page: 4 KiB or 8 KiB


def _default_factory(config: ProviderConfig, sim: dict[str, Any] | None) -> BaseChatModel:
    return build_chat_model(config, sim=sim)


# --- probe: what the chain really produced -------------------------------------------------------


@dataclass(slots=True)
class RunProbe:
    """One request's chain activity; times are `perf_counter_ns()` of this process."""

    rid: str
    endpoint: str
    started_ns: int = field(default_factory=time.perf_counter_ns)
    chunk_ns: list[int] = field(default_factory=list)
    chunk_chars: list[int] = field(default_factory=list)
    threads: list[str] = field(default_factory=list)  # thread names that produced chunks, first seen
    outcome: Outcome = "running"
    ended_ns: int | None = None
    error: str | None = None

    def produced(self, chunk: object) -> None:
        self.chunk_ns.append(time.perf_counter_ns())
        self.chunk_chars.append(len(chunk_text(chunk)))
        name = threading.current_thread().name
        if name not in self.threads:
            self.threads.append(name)

    def finish(self, outcome: Outcome, exc: BaseException | None = None) -> None:
        if self.outcome == "running":
            self.outcome, self.ended_ns = outcome, time.perf_counter_ns()
            self.error = f"{type(exc).__name__}: {exc}" if outcome == "error" else None

    def snapshot(self) -> dict[str, Any]:
        return {
            "rid": self.rid,
            "endpoint": self.endpoint,
            "pid": os.getpid(),
            "clock": "perf_counter_ns",
            "started_ns": self.started_ns,
            "chunk_ns": list(self.chunk_ns),
            "chunk_chars": list(self.chunk_chars),
            "chunks": len(self.chunk_ns),
            "threads": list(self.threads),
            "outcome": self.outcome,
            "ended_ns": self.ended_ns,
            "error": self.error,
        }


def _outcome_of(exc: BaseException) -> Outcome:
    if isinstance(exc, GeneratorExit):
        return "closed"  # someone called .close() on the generator (or the GC did)
    if isinstance(exc, asyncio.CancelledError):
        return "cancelled"
    return "error"


def probe_step(run: RunProbe) -> Runnable:
    """A pass-through step after the model: timestamps chunks, records how the stream ended."""

    def watch(chunks: Iterator[Any]) -> Iterator[Any]:
        try:
            for chunk in chunks:
                run.produced(chunk)
                yield chunk
        except BaseException as exc:
            run.finish(_outcome_of(exc), exc)
            raise
        run.finish("completed")

    async def awatch(chunks: AsyncIterator[Any]) -> AsyncIterator[Any]:
        try:
            async for chunk in chunks:
                run.produced(chunk)
                yield chunk
        except BaseException as exc:
            run.finish(_outcome_of(exc), exc)
            raise
        run.finish("completed")

    return RunnableGenerator(watch, awatch, name="probe")


# --- the service behind the routes ---------------------------------------------------------------


class ChatService:
    """Provider configs by opaque token, the model factory, and the probes of recent runs.

    One server serves every Streamlit session; a session registers its provider config and
    passes the token as `cfg=`, so keys stay in memory here and never appear in a URL.
    """

    def __init__(self, config: ProviderConfig, model_factory: ModelFactory | None = None) -> None:
        self.default_config = config
        self.model_factory = model_factory or _default_factory
        self._configs: OrderedDict[str, ProviderConfig] = OrderedDict()
        self._tokens: dict[str, str] = {}
        self._runs: OrderedDict[str, RunProbe] = OrderedDict()
        self._lock = threading.Lock()
        self._salt = secrets.token_bytes(16)

    def register(self, config: ProviderConfig) -> str:
        fingerprint = hashlib.sha256(self._salt + repr((config, config.key())).encode()).hexdigest()
        with self._lock:
            token = self._tokens.get(fingerprint)
            if token is None or token not in self._configs:
                token = secrets.token_urlsafe(9)
                self._tokens[fingerprint], self._configs[token] = token, config
                while len(self._configs) > MAX_CONFIGS:
                    self._configs.popitem(last=False)
            return token

    def config_for(self, token: str | None) -> ProviderConfig:
        if token is None:
            return self.default_config
        with self._lock:
            config = self._configs.get(token)
        if config is None:
            raise HTTPException(404, "Unknown cfg token: reload the lesson page to get a fresh one.")
        return config

    def new_run(self, endpoint: str) -> RunProbe:
        run = RunProbe(secrets.token_hex(6), endpoint)
        with self._lock:
            self._runs[run.rid] = run
            while len(self._runs) > MAX_RUNS:
                self._runs.popitem(last=False)
        return run

    def run(self, rid: str) -> RunProbe | None:
        with self._lock:
            return self._runs.get(rid)

    def chain(self, run: RunProbe, token: str | None, sim: dict[str, Any]) -> Runnable:
        llm = self.model_factory(self.config_for(token), sim or None)
        return recipes.build_chain(llm) | probe_step(run)

    def totals(self) -> dict[str, int]:
        with self._lock:
            runs = list(self._runs.values())
        counts = {outcome: 0 for outcome in ("running", "completed", "closed", "cancelled", "error")}
        for run in runs:
            counts[run.outcome] += 1
        return {"runs": len(runs), "chunks": sum(len(r.chunk_ns) for r in runs), **counts}


# --- routes --------------------------------------------------------------------------------------

RECIPES = {
    "/chat": recipes.chat,
    "/chat/async": recipes.chat_async,
    "/chat/sse": recipes.chat_sse,
    "/chat/full": recipes.chat_full,
    "/chat/blocking": recipes.chat_blocking,
}


def _router(service: ChatService) -> APIRouter:
    router = APIRouter()

    def sim_options(fault: str | None, ttft_ms: float | None, tokens_per_s: float | None) -> dict:
        # Only the embedded simulator reads these (build_chat_model drops them elsewhere).
        options = {"fault": fault, "ttft_ms": ttft_ms, "tokens_per_s": tokens_per_s}
        return {k: v for k, v in options.items() if v is not None}

    def add_route(path: str, recipe: Callable[[Runnable, str], Response]) -> None:
        def endpoint(
            q: Annotated[str, Query(min_length=1, max_length=2000)],
            cfg: Annotated[str | None, Query(max_length=64)] = None,
            fault: Annotated[str | None, Query(pattern=FAULT_PATTERN)] = None,
            ttft_ms: Annotated[float | None, Query(ge=0, le=10_000)] = None,
            tokens_per_s: Annotated[float | None, Query(ge=0, le=10_000)] = None,
        ) -> Response:
            run = service.new_run(path)
            response = recipe(service.chain(run, cfg, sim_options(fault, ttft_ms, tokens_per_s)), q)
            response.headers["X-Run-Id"] = run.rid
            return response

        router.add_api_route(path, endpoint, methods=["GET"], name=path, response_class=Response)

    for path, recipe in RECIPES.items():
        add_route(path, recipe)

    @router.get("/healthz")
    async def healthz() -> dict[str, Any]:
        return {"status": "ok", "t_ns": time.perf_counter_ns()}

    @router.get("/stats")
    async def stats() -> dict[str, Any]:
        limiter = anyio.to_thread.current_default_thread_limiter()
        return {
            **service.totals(),
            "threadpool_limit": int(limiter.total_tokens),
            "threadpool_busy": int(limiter.borrowed_tokens),
        }

    @router.get("/stats/{rid}")
    async def run_stats(rid: str) -> dict[str, Any]:
        run = service.run(rid)
        if run is None:
            raise HTTPException(404, f"no run {rid!r} (only the last {MAX_RUNS} are kept)")
        return run.snapshot()

    @router.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> Response:
        return Response(status_code=204)  # keeps the browser console free of 404s

    @router.get("/", response_class=HTMLResponse)
    async def client() -> HTMLResponse:
        return HTMLResponse(CLIENT_HTML.read_text(encoding="utf-8"))

    return router


class BufferingProxy:
    """A stand-in for a reverse proxy with response buffering on (nginx's default).

    Holds body bytes until `buffer_bytes` have piled up or the response ends, unless the app
    sent `X-Accel-Buffering: no`, the header nginx reads to pass a response through at once.
    Intentional divergence: real nginx also has timeouts and several buffers; one is enough
    to show why a token stream arrives in one lump behind a proxy.
    """

    def __init__(self, app: ASGIApp, buffer_bytes: int = PROXY_BUFFER_BYTES) -> None:
        self.app, self.buffer_bytes = app, buffer_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        pending: list[bytes] = []
        passthrough = False

        async def buffered_send(message: Message) -> None:
            nonlocal passthrough
            if message["type"] == "http.response.start":
                passthrough = Headers(raw=message["headers"]).get("x-accel-buffering", "") == "no"
            elif message["type"] == "http.response.body" and not passthrough:
                pending.append(message.get("body", b""))
                more = message.get("more_body", False)
                if more and sum(map(len, pending)) < self.buffer_bytes:
                    return
                message = {**message, "body": b"".join(pending)}
                pending.clear()
            await send(message)

        await self.app(scope, receive, buffered_send)


def _service_app(service: ChatService, *, gzip: bool, gzip_minimum_size: int) -> FastAPI:
    app = FastAPI(title="Streaming Runnables Lab: chat API", docs_url=None, redoc_url=None)
    app.state.service = service
    app.include_router(_router(service))
    if gzip:
        app.add_middleware(GZipMiddleware, minimum_size=gzip_minimum_size)
    return app


def create_chat_app(
    config: ProviderConfig | str | None = None,
    *,
    model_factory: ModelFactory | None = None,
    gzip: bool = False,
    gzip_minimum_size: int = 1,
    lab_mounts: bool = True,
) -> FastAPI:
    """The chat app. `config`: a ProviderConfig, or the embedded simulator's base URL.

    `gzip=True` wraps every route in `GZipMiddleware(minimum_size=gzip_minimum_size)`.
    With `lab_mounts`, `/gzip/...` and `/proxy/...` serve the same routes (and share the
    probes) behind GZipMiddleware and `BufferingProxy`, so one server can compare all three.
    """
    if config is None:
        raise ValueError("pass a ProviderConfig or the embedded simulator's base URL")
    if isinstance(config, str):
        config = embedded_config(config)
    service = ChatService(config, model_factory)
    app = _service_app(service, gzip=gzip, gzip_minimum_size=gzip_minimum_size)
    if lab_mounts:
        app.mount("/gzip", _service_app(service, gzip=True, gzip_minimum_size=gzip_minimum_size))
        app.mount("/proxy", BufferingProxy(_service_app(service, gzip=False, gzip_minimum_size=1)))
    return app


# --- running it ----------------------------------------------------------------------------------


@dataclass(slots=True)
class ChatServer:
    running: RunningServer
    service: ChatService

    @property
    def base_url(self) -> str:
        return self.running.base_url

    def register(self, config: ProviderConfig) -> str:
        """A `cfg=` token that makes requests use `config` (the key stays in this process)."""
        return self.service.register(config)

    def stop(self) -> None:
        self.running.stop()


def start_chat_server(config: ProviderConfig | str, **app_options: Any) -> ChatServer:
    """The chat app on a free loopback port in a background thread of this process."""
    app = create_chat_app(config, **app_options)
    return ChatServer(start_server(app), app.state.service)


class _QuietSeedErrors(logging.Filter):
    """The seed's route lets a mid-stream model error escape; log one line, not a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None and _raised_in_recipes(exc):
            record.msg = "%s in a seed-style route: the response was cut off mid-body"
            record.args, record.exc_info = (type(exc).__name__,), None
        return True


def _raised_in_recipes(exc: BaseException) -> bool:
    recipe_file = recipes.__file__
    for _ in range(10):  # bounded walk down exception groups and causes
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == recipe_file:
                return True
            tb = tb.tb_next
        group = isinstance(exc, BaseExceptionGroup)
        nxt = exc.exceptions[0] if group else exc.__cause__ or exc.__context__
        if nxt is None:
            return False
        exc = nxt
    return False


logging.getLogger("uvicorn.error").addFilter(_QuietSeedErrors())


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    from streamlab.sim.server import start_embedded

    parser = argparse.ArgumentParser(description="The seed's FastAPI streaming chat, for real")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--sim-url", help="an already running simulator (default: start one here)")
    parser.add_argument("--gzip", action="store_true", help="wrap every route in GZipMiddleware")
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow binding a non-loopback address (exposes the server)",
    )
    args = parser.parse_args(argv)
    require_loopback(args.host, allow_remote=args.allow_remote)
    sim_url = args.sim_url or start_embedded().base_url
    app = create_chat_app(sim_url, gzip=args.gzip)
    print(f"chat API on http://{args.host}:{args.port}/  (model: simulator at {sim_url})")
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
