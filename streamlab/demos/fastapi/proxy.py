"""A stand-in for a buffering reverse proxy (nginx's default), so the lesson needs no nginx.

Intentional divergence: real nginx also has timeouts and several buffers; one is enough to show
why a token stream arrives in one lump behind a proxy, and how `X-Accel-Buffering: no` helps.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["PROXY_BUFFER_BYTES", "BufferingProxy"]

PROXY_BUFFER_BYTES = 4096  # nginx's default proxy_buffer_size is one memory page: 4 KiB or 8 KiB


class BufferingProxy:
    """ASGI middleware that holds body bytes until `buffer_bytes` have piled up or the response
    ends, unless the app sent `X-Accel-Buffering: no`, the header nginx reads to pass a response
    through at once."""

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
