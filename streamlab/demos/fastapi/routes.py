"""The chat server's routes: one per recipe of the lesson, plus health, stats and the browser client.

Each chat route calls its function in the lesson's recipes (the code the page shows) with the
seed's chain, a probe appended, and answers with that function's response.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import HTMLResponse, Response
from langchain_core.runnables import Runnable

from streamlab.demos.fastapi.service import MAX_RUNS, ChatService
from streamlab.recipes import fastapi as recipes

__all__ = ["RECIPES", "chat_router"]

CLIENT_HTML = Path(__file__).with_name("static") / "chat_client.html"
FAULT_PATTERN = r"^(drop_after:\d{1,4}|500|429)$"
RECIPES: dict[str, Callable[[Runnable, str], Response]] = {
    "/chat": recipes.chat,
    "/chat/async": recipes.chat_async,
    "/chat/sse": recipes.chat_sse,
    "/chat/full": recipes.chat_full,
    "/chat/blocking": recipes.chat_blocking,
}


def _sim_options(fault: str | None, ttft_ms: float | None, tokens_per_s: float | None) -> dict:
    # Only the embedded simulator reads these (build_chat_model drops them elsewhere).
    options = {"fault": fault, "ttft_ms": ttft_ms, "tokens_per_s": tokens_per_s}
    return {k: v for k, v in options.items() if v is not None}


def _add_chat_route(
    router: APIRouter, service: ChatService, path: str, recipe: Callable[[Runnable, str], Response]
) -> None:
    def endpoint(
        q: Annotated[str, Query(min_length=1, max_length=2000)],
        cfg: Annotated[str | None, Query(max_length=64)] = None,
        fault: Annotated[str | None, Query(pattern=FAULT_PATTERN)] = None,
        ttft_ms: Annotated[float | None, Query(ge=0, le=10_000)] = None,
        tokens_per_s: Annotated[float | None, Query(ge=0, le=10_000)] = None,
    ) -> Response:
        run = service.new_run(path)
        response = recipe(service.chain(run, cfg, _sim_options(fault, ttft_ms, tokens_per_s)), q)
        response.headers["X-Run-Id"] = run.rid
        return response

    router.add_api_route(path, endpoint, methods=["GET"], name=path, response_class=Response)


def chat_router(service: ChatService) -> APIRouter:
    router = APIRouter()
    for path, recipe in RECIPES.items():
        _add_chat_route(router, service, path, recipe)

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
