"""The seed's "Streaming + FastAPI" pattern as a real local server, instrumented for the lesson.

The routes (`routes.py`) call the lesson's recipes; a probe around the chain (`probe.py`) stamps
every chunk it produces. `/gzip/...` serves the same routes behind Starlette's
`GZipMiddleware`; `/proxy/...` behind a stand-in for a buffering reverse proxy (`proxy.py`).
`/chat/blocking`, the anti-pattern that blocks its event loop, runs on a second server of its
own (another thread, another loop): the main one redirects there and is never blocked. Both
refuse foreign `Host` names, request bodies and long queries, and close connections whose
request head is late (`guards.py`).

Usage:
    python -m streamlab.chat_api --port 8766       # starts its own embedded simulator
    curl -N 'http://127.0.0.1:8766/chat?q=Explain+RAG'
    curl -N 'http://127.0.0.1:8766/chat/sse?q=Explain+RAG'
    curl -N 'http://127.0.0.1:8766/agent/sse?q=What+is+the+weather+in+Paris'   # an agent's steps too
    curl -N -L 'http://127.0.0.1:8766/chat/blocking?q=Explain+RAG'   # -L: to its own server
    open http://127.0.0.1:8766/ for the browser client (fetch + ReadableStream, EventSource)
"""

from __future__ import annotations

import argparse
import logging
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware

from streamlab.client.providers import ProviderConfig, embedded_config
from streamlab.demos.fastapi.guards import RequestGuard, RequestLimits
from streamlab.demos.fastapi.proxy import BufferingProxy
from streamlab.demos.fastapi.routes import blocking_router, chat_router
from streamlab.demos.fastapi.service import BLOCKING_BUDGET_S, ChatService, ModelFactory
from streamlab.recipes import fastapi as recipes
from streamlab.sim.net import LoopbackHostGuard, require_loopback
from streamlab.sim.serving import RunningServer, start_server

__all__ = ["ChatServer", "create_blocking_app", "create_chat_app", "main", "start_chat_server"]


def _service_app(service: ChatService, *, gzip: bool, gzip_minimum_size: int) -> FastAPI:
    app = FastAPI(title="Streaming Runnables Lab: chat API", docs_url=None, redoc_url=None)
    app.state.service = service
    app.include_router(chat_router(service))
    if gzip:
        app.add_middleware(GZipMiddleware, minimum_size=gzip_minimum_size)
    return app


def _guarded(app: FastAPI, limits: RequestLimits) -> FastAPI:
    app.add_middleware(RequestGuard, limits=limits)
    if limits.loopback_hosts_only:
        app.add_middleware(LoopbackHostGuard)  # added last: runs first
    return app


def create_chat_app(
    config: ProviderConfig | str | None = None,
    *,
    model_factory: ModelFactory | None = None,
    gzip: bool = False,
    gzip_minimum_size: int = 1,
    lab_mounts: bool = True,
    blocking_budget_s: float = BLOCKING_BUDGET_S,
    limits: RequestLimits | None = None,
) -> FastAPI:
    """The chat app. `config`: a ProviderConfig, or the embedded simulator's base URL.

    `gzip=True` wraps every route in `GZipMiddleware(minimum_size=gzip_minimum_size)`.
    With `lab_mounts`, `/gzip/...` and `/proxy/...` serve the same routes (and share the
    probes) behind GZipMiddleware and `BufferingProxy`, so one server can compare all three.
    `/chat/blocking` redirects to `create_blocking_app(app.state.service)` once that runs and
    its URL is set as the service's `blocking_url` (`start_chat_server` does both). `limits`:
    what a request may carry (the mounts share the app's guards).
    """
    if config is None:
        raise ValueError("pass a ProviderConfig or the embedded simulator's base URL")
    if isinstance(config, str):
        config = embedded_config(config)
    service = ChatService(config, model_factory, blocking_budget_s=blocking_budget_s)
    app = _service_app(service, gzip=gzip, gzip_minimum_size=gzip_minimum_size)
    if lab_mounts:
        app.mount("/gzip", _service_app(service, gzip=True, gzip_minimum_size=gzip_minimum_size))
        app.mount("/proxy", BufferingProxy(_service_app(service, gzip=False, gzip_minimum_size=1)))
    return _guarded(app, limits or RequestLimits())


def create_blocking_app(service: ChatService, limits: RequestLimits | None = None) -> FastAPI:
    """`/chat/blocking` (with `/healthz` and `/stats`) for a server of its own: the anti-pattern
    blocks this app's event loop, and a ping to its `/healthz` shows it."""
    app = FastAPI(title="Streaming Runnables Lab: the blocking demo", docs_url=None, redoc_url=None)
    app.include_router(blocking_router(service))
    return _guarded(app, limits or RequestLimits())


@dataclass(slots=True)
class ChatServer:
    running: RunningServer
    service: ChatService
    blocking: RunningServer  # the blocking demo's own server (own thread, own event loop)

    @property
    def base_url(self) -> str:
        return self.running.base_url

    @property
    def blocking_url(self) -> str:
        return self.blocking.base_url

    def register(self, config: ProviderConfig) -> str:
        """A `cfg=` token that makes requests use `config` (the key stays in this process)."""
        return self.service.register(config)

    def stop(self) -> None:
        self.running.stop()
        self.blocking.stop()


def _start_blocking_server(service: ChatService, limits: RequestLimits) -> RunningServer:
    blocking = start_server(create_blocking_app(service, limits), **limits.server_options())
    service.blocking_url = blocking.base_url
    return blocking


def start_chat_server(
    config: ProviderConfig | str, *, limits: RequestLimits | None = None, **app_options: Any
) -> ChatServer:
    """The chat app and the blocking demo's server, each on a free loopback port in a
    background thread of this process."""
    limits = limits or RequestLimits()
    app = create_chat_app(config, limits=limits, **app_options)
    blocking = _start_blocking_server(app.state.service, limits)
    return ChatServer(start_server(app, **limits.server_options()), app.state.service, blocking)


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
        if isinstance(exc, BaseExceptionGroup):
            nxt: BaseException | None = exc.exceptions[0]
        else:
            nxt = exc.__cause__ or exc.__context__
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
    limits = RequestLimits(loopback_hosts_only=not args.allow_remote)
    app = create_chat_app(sim_url, gzip=args.gzip, limits=limits)
    blocking = _start_blocking_server(app.state.service, limits)
    print(f"chat API on http://{args.host}:{args.port}/  (model: simulator at {sim_url})")
    print(f"/chat/blocking redirects to its own server: {blocking.base_url}/chat/blocking")
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", **limits.server_options())


if __name__ == "__main__":
    main()
