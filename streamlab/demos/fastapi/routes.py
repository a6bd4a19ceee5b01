"""The chat server's routes: one per recipe of the lesson, plus health, stats and the browser client.

Each chat route calls its function in the lesson's recipes (the code the page shows) with the
seed's chain, wrapped in a probe, and answers with that function's response. Latency and fault
parameters are checked against the simulator's own limits (`streamlab.sim.options`), so a value
the simulator would refuse gets a 422 naming the parameter here, before any run starts.

Intentional divergence: `/chat/blocking` (the anti-pattern that blocks its event loop for a
whole answer) runs on a server of its own (`blocking_router`); the main app redirects there, so
one slow blocking request stalls only that demo's loop, never the lesson server.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from langchain_core.runnables import Runnable
from pydantic import AfterValidator
from starlette.background import BackgroundTask

from streamlab.demos.fastapi.service import MAX_RUNS, ChatService
from streamlab.recipes import fastapi as recipes
from streamlab.recipes import seed_to_agents as agent_recipes
from streamlab.sim.options import LIMITS, LOCAL_FAULTS, fault_problem

__all__ = ["AGENT_PATH", "BLOCKING_PATH", "RECIPES", "blocking_router", "chat_router"]

CLIENT_HTML = Path(__file__).with_name("static") / "chat_client.html"
BLOCKING_PATH = "/chat/blocking"
AGENT_PATH = "/agent/sse"
RECIPES: dict[str, Callable[[Runnable, str], Response]] = {
    "/chat": recipes.chat,
    "/chat/async": recipes.chat_async,
    "/chat/sse": recipes.chat_sse,
    "/chat/full": recipes.chat_full,
    BLOCKING_PATH: recipes.chat_blocking,
}


def _within(name: str) -> AfterValidator:
    limit = LIMITS[name]

    def check(value: float | None) -> float | None:
        if value is not None and (problem := limit.problem(value)) is not None:
            raise ValueError(f"{name} {problem}; got {value!r}")
        return value

    return AfterValidator(check)


def _known_fault(value: str | None) -> str | None:
    # "timeout" is refused: it holds a request until the client gives up.
    if value and (problem := fault_problem(value, LOCAL_FAULTS)) is not None:
        raise ValueError(f"fault {problem}; got {value!r}")
    return value or None  # "" is "no fault", as in the sidebar


Question = Annotated[str, Query(min_length=1, max_length=2000)]
ConfigToken = Annotated[str | None, Query(max_length=64)]
FaultName = Annotated[str | None, Query(max_length=20), AfterValidator(_known_fault)]
TtftMs = Annotated[float | None, Query(), _within("ttft_ms")]
TokensPerS = Annotated[float | None, Query(), _within("tokens_per_s")]
TraceId = Annotated[str | None, Query(pattern=r"^[0-9a-f]{16}$")]  # new_trace_id()'s shape
Answer = Callable[[Request, str, str | None, dict[str, Any]], Response]


def _add_chat_route(router: APIRouter, path: str, answer: Answer) -> None:
    def endpoint(
        request: Request,
        q: Question,
        cfg: ConfigToken = None,
        fault: FaultName = None,
        ttft_ms: TtftMs = None,
        tokens_per_s: TokensPerS = None,
    ) -> Response:
        # Only the embedded simulator reads these (build_chat_model drops them elsewhere).
        sim = {"fault": fault, "ttft_ms": ttft_ms, "tokens_per_s": tokens_per_s}
        return answer(request, q, cfg, {k: v for k, v in sim.items() if v is not None})

    router.add_api_route(path, endpoint, methods=["GET"], name=path, response_class=Response)


def _recipe(
    service: ChatService, path: str, recipe: Callable[[Runnable, str], Response], budget_s: float | None
) -> Answer:
    def answer(request: Request, q: str, cfg: str | None, sim: dict[str, Any]) -> Response:
        config = service.config_for(cfg)  # an unknown token is refused before a run exists
        run = service.new_run(path)
        response = recipe(service.chain(run, config, sim, budget_s=budget_s), q)
        response.headers["X-Run-Id"] = run.rid
        # Runs after the body, or after a hang-up: a run whose chain never began must not stay
        # "running" (a seed generator that did begin stays so until it is closed: the lesson).
        response.background = BackgroundTask(run.settle)
        return response

    return answer


def _on_blocking_server(service: ChatService) -> Answer:
    def answer(request: Request, q: str, cfg: str | None, sim: dict[str, Any]) -> Response:
        if service.blocking_url is None:
            raise HTTPException(503, "The blocking demo's own server is not running.")
        query = request.scope["query_string"].decode("latin-1")  # h11 lets only visible ASCII in
        return RedirectResponse(f"{service.blocking_url}{BLOCKING_PATH}?{query}", status_code=307)

    return answer


def _add_agent_route(router: APIRouter, service: ChatService) -> None:
    """`/agent/sse`: the agent lessons' agent as Server-Sent Events (tokens and steps), bounded like
    the chat routes, plus `trace` (a simulator trace id) so a lesson can time what the model sent."""

    def endpoint(
        q: Question,
        cfg: ConfigToken = None,
        fault: FaultName = None,
        ttft_ms: TtftMs = None,
        tokens_per_s: TokensPerS = None,
        trace: TraceId = None,
    ) -> Response:
        sim = {"fault": fault, "ttft_ms": ttft_ms, "tokens_per_s": tokens_per_s, "trace_id": trace}
        config = service.config_for(cfg)  # an unknown token is refused before a run exists
        run = service.new_run(AGENT_PATH)
        agent = service.agent(run, config, {k: v for k, v in sim.items() if v is not None})
        response = agent_recipes.chat_agent_sse(agent, q)
        response.headers["X-Run-Id"] = run.rid
        response.background = BackgroundTask(run.settle)
        return response

    router.add_api_route(AGENT_PATH, endpoint, methods=["GET"], name=AGENT_PATH, response_class=Response)


def _add_status_routes(router: APIRouter, service: ChatService) -> None:
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
            raise HTTPException(404, f"no run {rid[:64]!r} (only the last {MAX_RUNS} are kept)")
        return run.snapshot()


def chat_router(service: ChatService) -> APIRouter:
    """Every recipe's route (`/chat/blocking` redirects to its own server), health, stats, client."""
    router = APIRouter()
    for path, recipe in RECIPES.items():
        if path == BLOCKING_PATH:
            _add_chat_route(router, path, _on_blocking_server(service))
        else:
            _add_chat_route(router, path, _recipe(service, path, recipe, None))
    _add_agent_route(router, service)
    _add_status_routes(router, service)

    @router.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> Response:
        return Response(status_code=204)  # keeps the browser console free of 404s

    @router.get("/", response_class=HTMLResponse)
    async def client() -> HTMLResponse:
        return HTMLResponse(CLIENT_HTML.read_text(encoding="utf-8"))

    return router


def blocking_router(service: ChatService) -> APIRouter:
    """`/chat/blocking`, cut off after the service's budget, with health and stats beside it."""
    router = APIRouter()
    recipe = _recipe(service, BLOCKING_PATH, RECIPES[BLOCKING_PATH], service.blocking_budget_s)
    _add_chat_route(router, BLOCKING_PATH, recipe)
    _add_status_routes(router, service)
    return router
