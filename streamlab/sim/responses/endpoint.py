"""`POST /v1/responses` on the wire: refusals, faults, the event stream and the JSON answer.

The same guards, counters, faults and send traces as the chat endpoint: a bad request gets an
OpenAI-style 4xx, a stream stops the moment its client leaves (`ServerStats` proves it), and a
traced request (`sim.trace_id`) records when each answer delta left, for three-layer timing, and
when each reasoning summary delta left (apart from the answer's, so a lesson can time both).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

from fastapi.responses import JSONResponse, Response, StreamingResponse

from streamlab.sim.body import BodyLimits, read_json_body
from streamlab.sim.errors import RequestError
from streamlab.sim.options import fault_after
from streamlab.sim.responses.events import FAILURE_MESSAGE, stream_events
from streamlab.sim.responses.objects import Status, item_object, response_object
from streamlab.sim.responses.plan import ResponsePlan, plan_response
from streamlab.sim.responses.request import ResponsesRequest, parse_responses_request
from streamlab.sim.streaming import (
    MAX_BATCH,
    TIMEOUT_FAULT_MAX_S,
    DroppedConnection,
    ServerStats,
    _sleep_while_connected,
)

if TYPE_CHECKING:
    from starlette.requests import Request

    from streamlab.sim.traces import SendTrace, TraceStore

__all__ = ["create_response"]

OFFLOAD_BYTES = 64 << 10  # bodies larger than this are parsed in a worker thread
log = logging.getLogger("streamlab.sim")
_HEADERS = {"cache-control": "no-cache", "x-accel-buffering": "no"}
_TRACED = ("response.output_text.delta", "response.reasoning_summary_text.delta")
"""The deltas a send trace stamps: the answer's text, and (in lists of their own) the summary's."""


async def create_response(
    request: Request,
    *,
    stats: ServerStats,
    traces: TraceStore,
    body_limits: BodyLimits,
    refuse: Callable[[RequestError], JSONResponse],
    key_error: RequestError | None = None,
) -> Response:
    """Answer one Responses API request; `refuse` sends (and logs) a RequestError."""
    stats.bump(requests=1)
    try:
        if key_error is not None:
            raise key_error
        raw = await read_json_body(request, body_limits)
        if len(raw) > OFFLOAD_BYTES:  # parsing a long input must not stall other streams
            parsed, plan = await asyncio.to_thread(_parse_and_plan, raw)
        else:
            parsed, plan = _parse_and_plan(raw)
    except RequestError as err:
        return refuse(err)
    except Exception as exc:  # a bug, not the client's fault: one line, no traceback
        log.error("internal error %s: %s", type(exc).__name__, str(exc)[:200].replace("\n", " "))
        failed = RequestError(
            500, "The simulator failed on this request.", code="server_error", type_="server_error"
        )
        return JSONResponse(failed.body(), status_code=500)
    faulted = _http_fault(plan)
    if faulted is not None:
        return faulted
    trace = traces.start(parsed.sim.trace_id) if parsed.sim.trace_id else None
    if not parsed.stream:
        return await _complete(plan, request, stats, trace)
    return StreamingResponse(_sse(plan, stats, trace), media_type="text/event-stream", headers=_HEADERS)


def _parse_and_plan(raw: bytes) -> tuple[ResponsesRequest, ResponsePlan]:
    parsed = parse_responses_request(raw)
    return parsed, plan_response(parsed)


def _http_fault(plan: ResponsePlan) -> JSONResponse | None:
    """The faults that answer with an HTTP error before any event (as OpenAI's would)."""
    kind = plan.fault.kind if plan.fault else None
    headers = None
    if kind == "401":
        err = RequestError(401, "Incorrect API key provided (simulated).", code="invalid_api_key")
    elif kind == "429":
        message = "Rate limit reached (simulated). Retry after 1 second."
        err = RequestError(429, message, code="rate_limit_exceeded", type_="requests")
        headers = {"retry-after": "1"}
    elif kind == "500":
        message = "The server had an error (simulated)."
        err = RequestError(500, message, code="server_error", type_="server_error")
    else:
        return None
    return JSONResponse(err.body(), status_code=err.status, headers=headers)


async def _complete(
    plan: ResponsePlan, request: Request, stats: ServerStats, trace: SendTrace | None
) -> Response:
    """The whole `response` object, sent when its last piece would have been."""
    stats.bump(active_requests=1)
    try:
        if plan.fault and plan.fault.kind == "timeout":
            await _sleep_while_connected(request, TIMEOUT_FAULT_MAX_S)
            timed_out = RequestError(504, "The request timed out (simulated).", code="timeout")
            return JSONResponse(timed_out.body(), status_code=504)
        if plan.end and not await _sleep_while_connected(request, plan.end):
            stats.bump(abandoned=1)
            return Response(status_code=499)  # nobody is left to read it
        if plan.fault and plan.fault.kind == "error_after":  # it failed while generating
            failed = RequestError(500, FAILURE_MESSAGE, code="server_error", type_="server_error")
            return JSONResponse(failed.body(), status_code=500)
        output = [item_object(plan, item, "done") for item in plan.items]
        status: Status = "incomplete" if plan.incomplete else "completed"
        response = JSONResponse(response_object(plan, status, output))
        if trace is not None:  # the whole answer leaves in this one response, right after this
            trace.mark_sent([plan.output_text] if plan.output_text else [])
            trace.finish()
        return response
    finally:
        stats.bump(active_requests=-1)


def _frame(event: dict[str, Any]) -> bytes:
    data = json.dumps(event, separators=(",", ":"), ensure_ascii=False)
    return f"event: {event['type']}\ndata: {data}\n\n".encode()


async def _sse(plan: ResponsePlan, stats: ServerStats, trace: SendTrace | None) -> AsyncIterator[bytes]:
    """The events at their due times; cancelled by Starlette when the client disconnects."""
    stats.bump(streams_started=1, active_streams=1, active_requests=1)
    finished = False
    pending: list[bytes] = []
    pending_texts: list[str] = []
    pending_summary: list[str] = []

    def flush() -> bytes:
        stats.bump(chunks_sent=len(pending))
        data = b"".join(pending)
        pending.clear()
        if trace is not None:  # stamped as the bytes are handed to the socket (see sim.streaming)
            trace.mark_sent(pending_texts, summary=pending_summary)
        pending_texts.clear()
        pending_summary.clear()
        return data

    try:
        if plan.fault and plan.fault.kind == "timeout":
            await asyncio.sleep(TIMEOUT_FAULT_MAX_S)  # cancelled when the client gives up
            return
        start = time.perf_counter()
        drop_at = fault_after(plan.fault, "drop_after")
        fail_at = fault_after(plan.fault, "error_after")
        deltas = 0
        for due, event in stream_events(plan, fail_after=fail_at):
            is_delta = event["type"].endswith(".delta")
            if is_delta and deltas == drop_at:
                if pending:
                    yield flush()
                raise DroppedConnection(f"simulated drop after {deltas} deltas")
            deltas += is_delta
            delay = 0.0 if due is None else start + due - time.perf_counter()
            if delay > 0:
                if pending:  # never hold a due event back while waiting for the next one
                    yield flush()
                await asyncio.sleep(delay)
            pending.append(_frame(event))
            if trace is not None and event["type"] in _TRACED and event["delta"]:
                answer = event["type"] == "response.output_text.delta"
                (pending_texts if answer else pending_summary).append(event["delta"])
            if len(pending) >= MAX_BATCH:
                yield flush()
        if pending:
            yield flush()
        finished = True  # no `[DONE]`: a Responses stream ends with its last event
        if trace is not None:
            trace.finish()
    finally:
        ended = {"streams_completed": 1} if finished else {"streams_disconnected": 1}
        stats.bump(active_streams=-1, active_requests=-1, **ended)
