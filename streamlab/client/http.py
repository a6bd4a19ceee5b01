"""Plain HTTP for the lab's own calls (stats, traces, recordings), on one shared TLS context.

httpx builds an `ssl.SSLContext` for every new client or transport, and building one reads the
whole CA bundle: ~20 ms of CPU each time. The lab opens a client per measured request, per stats
read and per model, so that cost landed in every run (and ~10 CPU-s in one test file). All of
them share one context here; learner-facing recipes keep plain `httpx` calls.
"""

from __future__ import annotations

import functools
import ssl
from typing import Any

import httpx

__all__ = ["http_client", "http_get", "ssl_context"]


@functools.cache
def ssl_context() -> ssl.SSLContext:
    """httpx's default verifying context, built once per process."""
    return httpx.create_ssl_context()


def http_client(**kwargs: Any) -> httpx.Client:
    """`httpx.Client(**kwargs)` on the shared TLS context."""
    return httpx.Client(verify=ssl_context(), **kwargs)


def http_get(url: str, **kwargs: Any) -> httpx.Response:
    """`httpx.get(url, **kwargs)` on the shared TLS context."""
    return httpx.get(url, verify=ssl_context(), **kwargs)
