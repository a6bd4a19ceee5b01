"""Network guards shared by every server the app starts: loopback only, free ports."""

from __future__ import annotations

import ipaddress
import socket

__all__ = ["bind_loopback_socket", "is_loopback", "require_loopback"]


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
