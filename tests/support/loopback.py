"""httpx's calls for tests that talk to the project's loopback servers, on the lab's one TLS
context (streamlab/client/http.py). A plain `httpx.get` builds a new context and reads the CA
bundle (~20 ms of CPU) each time: the simulator tests alone made ~600 such calls a run."""

from __future__ import annotations

from typing import Any

import httpx

from streamlab.client.http import ssl_context

__all__ = ["Client", "get", "post", "stream"]


def get(url: str, **kwargs: Any) -> httpx.Response:
    return httpx.get(url, verify=ssl_context(), **kwargs)


def post(url: str, **kwargs: Any) -> httpx.Response:
    return httpx.post(url, verify=ssl_context(), **kwargs)


def stream(method: str, url: str, **kwargs: Any) -> Any:
    return httpx.stream(method, url, verify=ssl_context(), **kwargs)


def Client(**kwargs: Any) -> httpx.Client:
    return httpx.Client(verify=ssl_context(), **kwargs)
