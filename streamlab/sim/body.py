"""Reading a request body without trusting it: declared JSON, bounded size, bounded time.

A body that is not JSON, larger than the cap, or that stops arriving half-way is refused
with an OpenAI-style error before anything parses it, so a 10 MB prompt is turned away at
once and a stalled upload does not hold a socket for ever.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import ClientDisconnect

from streamlab.sim.request import RequestError

if TYPE_CHECKING:
    from starlette.requests import Request

__all__ = ["BODY_TIMEOUT_S", "MAX_BODY_BYTES", "BodyLimits", "read_json_body"]

MAX_BODY_BYTES = 1 << 20  # 1 MiB: room for a long chat history or a long forced answer, not a flood
BODY_TIMEOUT_S = 10.0  # the whole body must arrive within this many seconds of the headers


@dataclass(frozen=True, slots=True)
class BodyLimits:
    """How much and how slowly a client may send."""

    max_bytes: int = MAX_BODY_BYTES
    timeout_s: float = BODY_TIMEOUT_S


async def read_json_body(request: Request, limits: BodyLimits) -> bytes:
    """The raw body of a JSON POST; raises RequestError (415, 413, 408, 400) otherwise."""
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type != "application/json":
        raise RequestError(
            415,
            "Send the request body as JSON, with the header 'Content-Type: application/json'.",
            code="unsupported_media_type",
        )
    too_large = RequestError(
        413,
        f"The request body is larger than {limits.max_bytes:,} bytes, the simulator's limit.",
        code="request_too_large",
    )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and (len(declared) > 15 or int(declared) > limits.max_bytes):
        raise too_large
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(limits.timeout_s):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limits.max_bytes:
                    raise too_large
                chunks.append(chunk)
    except TimeoutError:
        raise RequestError(
            408,
            f"The request body did not arrive within {limits.timeout_s:g} s.",
            code="request_timeout",
        ) from None
    except ClientDisconnect:
        raise RequestError(
            400, "The client left while sending the body.", code="client_disconnected"
        ) from None
    return b"".join(chunks)
