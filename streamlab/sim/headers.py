"""The response headers OpenAI sends with every API answer, sent by the simulator too.

`x-request-id` (quote it when reporting a problem), `openai-processing-ms` (server time until
the response began), `openai-version`, and the `x-ratelimit-*` family: the simulator keeps a
one-minute window of requests and (estimated) tokens against generous limits, so code that
reads these headers (backoff logic, dashboards) sees real values here.
"""

from __future__ import annotations

import secrets
import threading
import time
from typing import Any

__all__ = ["LIMIT_REQUESTS", "LIMIT_TOKENS", "OpenAIHeaders", "RateWindow", "duration"]

LIMIT_REQUESTS = 10_000  # per minute
LIMIT_TOKENS = 10_000_000  # per minute
WINDOW_S = 60.0
_COUNTED_PATHS = ("/v1/chat/completions", "/v1/responses")


def duration(seconds: float) -> str:
    """OpenAI's reset format: `120ms`, `1.5s`, `2m0s`."""
    if seconds < 1:
        return f"{round(seconds * 1000)}ms"
    if seconds < 60:
        return f"{seconds:.3g}s"
    return f"{int(seconds // 60)}m{int(seconds % 60)}s"


class RateWindow:
    """Requests and tokens used in the current one-minute window."""

    def __init__(self, clock: Any = time.monotonic) -> None:
        self._clock, self._lock = clock, threading.Lock()
        self._start, self.requests, self.tokens = clock(), 0, 0

    def use(self, tokens: int) -> dict[str, str]:
        """Count one request of `tokens` and return the `x-ratelimit-*` headers after it."""
        with self._lock:
            now = self._clock()
            if now - self._start >= WINDOW_S:
                self._start, self.requests, self.tokens = now, 0, 0
            self.requests += 1
            self.tokens += tokens
            reset = duration(max(self._start + WINDOW_S - now, 0.0))
            return {
                "x-ratelimit-limit-requests": str(LIMIT_REQUESTS),
                "x-ratelimit-limit-tokens": str(LIMIT_TOKENS),
                "x-ratelimit-remaining-requests": str(max(LIMIT_REQUESTS - self.requests, 0)),
                "x-ratelimit-remaining-tokens": str(max(LIMIT_TOKENS - self.tokens, 0)),
                "x-ratelimit-reset-requests": reset,
                "x-ratelimit-reset-tokens": reset,
            }


class OpenAIHeaders:
    """ASGI middleware: OpenAI's headers on every `/v1/` response, rate limits on model calls.

    Tokens are estimated from the body size (4 bytes a token), as a request's cost is known
    before its answer is; a 429 says 0 requests remain.
    """

    def __init__(self, app: Any) -> None:
        self.app, self.window = app, RateWindow()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = f"req_{secrets.token_hex(16)}"
        counted = scope.get("method") == "POST" and path in _COUNTED_PATHS
        size = next((v for k, v in scope.get("headers", []) if k == b"content-length"), b"0")

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                ms = round((time.perf_counter() - started) * 1000)
                extra = {
                    "x-request-id": request_id,
                    "openai-processing-ms": str(ms),
                    "openai-version": "2020-10-01",
                }
                if counted:
                    extra |= self.window.use(int(size) // 4 if size.isdigit() else 0)
                    if message["status"] == 429:
                        extra["x-ratelimit-remaining-requests"] = "0"
                headers = [
                    *message.get("headers", []),
                    *((k.encode(), v.encode()) for k, v in extra.items()),
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
