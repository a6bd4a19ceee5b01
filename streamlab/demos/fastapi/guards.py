"""What the lesson server refuses before a route runs, and how long it waits for a request.

A foreign `Host` name (DNS rebinding) gets the simulator's `LoopbackHostGuard`; a request with a
body (no route reads one) or an over-long query gets a 4xx and the connection closed; a request
head must arrive within `HEAD_TIMEOUT_S`, so idle or trickling connections are not held for ever.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from uvicorn.protocols.http.h11_impl import H11Protocol

if TYPE_CHECKING:
    import asyncio

    from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = [
    "HEAD_TIMEOUT_S",
    "MAX_HEAD_BYTES",
    "MAX_QUERY_BYTES",
    "RequestGuard",
    "RequestLimits",
    "head_deadline_protocol",
]

MAX_QUERY_BYTES = 20_000  # a 2,000-character question in any script, percent-encoded, and the rest
MAX_HEAD_BYTES = 32 << 10  # request line and headers; past this uvicorn answers 400 and closes
HEAD_TIMEOUT_S = 10.0  # from connecting (or the previous response) to a complete request head


@dataclass(frozen=True, slots=True)
class RequestLimits:
    """What one client may send the lesson server (tests shrink the timeout)."""

    max_query_bytes: int = MAX_QUERY_BYTES
    head_timeout_s: float = HEAD_TIMEOUT_S
    loopback_hosts_only: bool = True
    """Refuse `Host` headers that are not loopback names; off with --allow-remote."""

    def server_options(self) -> dict[str, Any]:
        """uvicorn options that bound what a connection may hold."""
        return {
            "http": head_deadline_protocol(self.head_timeout_s),
            "h11_max_incomplete_event_size": MAX_HEAD_BYTES,
        }


class RequestGuard:
    """ASGI middleware: 414 for a query longer than the limit, 413 for any request body."""

    def __init__(self, app: ASGIApp, limits: RequestLimits) -> None:
        self.app, self.limits = app, limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        problem = _problem(scope, self.limits) if scope["type"] == "http" else None
        if problem is None:
            await self.app(scope, receive, send)
            return
        status, message = problem
        # Closing the connection also drops whatever part of a body was sent.
        headers = [(b"content-type", b"application/json"), (b"connection", b"close")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": json.dumps({"detail": message}).encode()})


def _problem(scope: Scope, limits: RequestLimits) -> tuple[int, str] | None:
    if len(scope["query_string"]) > limits.max_query_bytes:
        return 414, f"The query string is longer than {limits.max_query_bytes:,} bytes."
    for name, value in scope["headers"]:
        if (name == b"content-length" and value.strip() != b"0") or name == b"transfer-encoding":
            return 413, "These routes take no request body."
    return None


def head_deadline_protocol(timeout_s: float) -> type[H11Protocol]:
    """uvicorn's h11 protocol, closing a connection whose next request head is `timeout_s` late.

    Intentional divergence: uvicorn only times out idle keep-alive connections, and any byte
    restarts that timer; a connection that never sends a whole request head is held for ever.
    """

    class HeadDeadlineProtocol(H11Protocol):
        _deadline: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def handle_events(self) -> None:
            waiting_for = self.cycle
            super().handle_events()
            if self.cycle is not waiting_for:  # a whole request head arrived
                self._disarm()

        def on_response_complete(self) -> None:
            answered = self.cycle
            super().on_response_complete()
            if self.cycle is answered:  # no pipelined request started: wait for the next one
                self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            self._disarm()
            self._deadline = self.loop.call_later(timeout_s, self._late)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _late(self) -> None:
            if not self.transport.is_closing():
                self.transport.close()

    return HeadDeadlineProtocol
