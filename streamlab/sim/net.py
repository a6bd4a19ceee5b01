"""Network guards shared by every server the app starts: loopback only, free ports, loopback Host."""

from __future__ import annotations

import ipaddress
import json
import logging
import socket
from typing import Any

__all__ = [
    "LoopbackHostGuard",
    "bind_loopback_socket",
    "is_loopback",
    "is_loopback_host_header",
    "require_loopback",
]

log = logging.getLogger(__name__)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def require_loopback(host: str, *, allow_remote: bool = False) -> None:
    """Refuse to expose a lesson server unless the user explicitly asked for it."""
    if not allow_remote and not is_loopback(host):
        raise SystemExit(
            f"Refusing to bind {host!r}: only loopback addresses (127.0.0.1, ::1, localhost) "
            "are allowed. Pass --allow-remote to expose the server on purpose."
        )


def bind_loopback_socket(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A listening-ready socket on a loopback address; port 0 lets the OS pick a free one."""
    require_loopback(host)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto must say TCP: asyncio only sets TCP_NODELAY on accepted sockets whose proto is
    # IPPROTO_TCP, and without it Nagle + delayed ACK add ~40 ms to small responses.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    return sock


def is_loopback_host_header(value: str) -> bool:
    """Whether an HTTP `Host` header names this machine: `localhost:8765`, `127.0.0.1`, `[::1]:80`.

    A page on another site can make a browser send requests to a loopback port under its
    own name (DNS rebinding: `evil.example` re-resolved to 127.0.0.1); its `Host` header
    still says `evil.example`, so refusing every non-loopback name closes that door.
    """
    host = value.strip().lower()
    if host.startswith("["):  # an IPv6 literal: [::1] or [::1]:8765
        host, _, port = host[1:].partition("]")
        if port and not port.startswith(":"):
            return False
        port = port[1:]
    else:
        host, _, port = host.partition(":")
    if port and not (port.isdigit() and len(port) <= 5):
        return False
    host = host.removesuffix(".")  # "localhost." is the same name, fully qualified
    if host == "localhost" or host.endswith(".localhost"):  # RFC 6761: always loopback
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_HOST_REFUSED = json.dumps(
    {
        "error": {
            "message": "Only loopback host names (localhost, 127.0.0.1, [::1]) may reach this server.",
            "type": "invalid_request_error",
            "code": "invalid_host",
            "param": None,
        }
    }
).encode()


class LoopbackHostGuard:
    """ASGI middleware: refuse (HTTP 400, JSON body) requests whose `Host` is not loopback.

    Wrap any app the lessons start on a loopback port: `app.add_middleware(LoopbackHostGuard)`
    for FastAPI, or `LoopbackHostGuard(app)` for a bare ASGI app. Lifespan events pass through.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        hosts = [v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"host"]
        if len(hosts) == 1 and is_loopback_host_header(hosts[0]):
            await self.app(scope, receive, send)
            return
        shown = repr(hosts[0][:60]) if hosts else "none"
        log.warning("refused 400 invalid_host: Host header %s", shown)
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        headers = [(b"content-type", b"application/json"), (b"connection", b"close")]
        await send({"type": "http.response.start", "status": 400, "headers": headers})
        await send({"type": "http.response.body", "body": _HOST_REFUSED})
