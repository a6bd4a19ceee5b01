"""One place that turns the sidebar's provider choice into a `ChatOpenAI`.

Every lesson builds its models here, so "embedded simulator", "OpenAI" and "any
OpenAI-compatible URL" behave the same way everywhere, and the key handling (never
shown, never logged) lives in exactly one module.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from typing import Any, Literal
from urllib.parse import urlparse

import httpx
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from streamlab.client.http import http_get, ssl_context
from streamlab.sim.options import LatencyProfile

__all__ = [
    "ConnectionStatus",
    "ProviderConfig",
    "build_chat_model",
    "check_connection",
    "embedded_config",
    "loop_safe_async_client",
    "mask_key",
]

ProviderKind = Literal["embedded", "openai", "compatible"]
OPENAI_URL = "https://api.openai.com/v1"
EMBEDDED_KEY = "sk-embedded-simulator"  # the simulator ignores keys; the SDK insists on one


def mask_key(key: str | None) -> str:
    """`sk-…abcd`: enough to recognise a key, never enough to use it."""
    if not key:
        return "(none)"
    return f"{key[:3]}…{key[-4:]}" if len(key) > 10 else "…"


@dataclass(frozen=True)
class ProviderConfig:
    kind: ProviderKind = "embedded"
    base_url: str = ""
    model: str = "sim-fast"
    api_key: SecretStr | None = field(default=None, repr=False)
    profile: LatencyProfile | None = None  # embedded only: default latency for every request
    timeout_s: float = 60.0
    # embedded only: extra `sim` fields for every request (fault injection, forced text)
    sim_overrides: dict[str, Any] = field(default_factory=dict, compare=False)

    def __repr__(self) -> str:  # dataclass repr is off for the key; say so explicitly
        return (
            f"ProviderConfig(kind={self.kind!r}, base_url={self.base_url!r}, model={self.model!r}, "
            f"api_key={mask_key(self.key())!r})"
        )

    def key(self) -> str | None:
        return self.api_key.get_secret_value() if self.api_key else None

    def with_model(self, model: str) -> ProviderConfig:
        return replace(self, model=model)


def embedded_config(
    base_url: str, *, model: str = "sim-fast", profile: LatencyProfile | None = None
) -> ProviderConfig:
    """`base_url` as returned by the embedded server, with or without the /v1 suffix."""
    base = base_url.rstrip("/")
    base = base if base.endswith("/v1") else base + "/v1"
    return ProviderConfig("embedded", base, model, SecretStr(EMBEDDED_KEY), profile)


class _PerLoopTransport(httpx.AsyncBaseTransport):
    """Keep-alive connection pools, one per event loop.

    langchain-openai caches one async HTTP client per base URL. Its pooled connections belong
    to the loop that opened them, so the next `asyncio.run()` (every Streamlit rerun, every
    async test) that reuses one fails with "RuntimeError: Event loop is closed". A pool per
    running loop keeps keep-alive within a run and never crosses loops.
    """

    def __init__(self) -> None:
        self._pools: dict[asyncio.AbstractEventLoop, httpx.AsyncHTTPTransport] = {}

    def _pool(self) -> httpx.AsyncHTTPTransport:
        loop = asyncio.get_running_loop()
        for stale in [lp for lp in self._pools if lp.is_closed()]:
            del self._pools[stale]  # its sockets can no longer be closed politely; GC does it
        if loop not in self._pools:
            self._pools[loop] = httpx.AsyncHTTPTransport(
                verify=ssl_context()
            )  # one CA read (client/http.py)
        return self._pools[loop]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._pool().handle_async_request(request)

    async def aclose(self) -> None:
        pool = self._pools.pop(asyncio.get_running_loop(), None)
        if pool is not None:
            await pool.aclose()


def loop_safe_async_client(timeout_s: float = 60.0) -> httpx.AsyncClient:
    """An `http_async_client` for `ChatOpenAI` that survives repeated `asyncio.run()` calls."""
    return httpx.AsyncClient(transport=_PerLoopTransport(), timeout=timeout_s)


def _sim_body(config: ProviderConfig, sim: dict[str, Any] | None) -> dict[str, Any]:
    # Field names come from the shared vocabulary (streamlab.sim.options.SimOptions).
    body: dict[str, Any] = config.profile.to_sim() if config.profile is not None else {}
    body.update(sim or {})
    body.update(config.sim_overrides)  # a fault chosen in the sidebar applies to every lesson
    return body


def build_chat_model(
    config: ProviderConfig, *, sim: dict[str, Any] | None = None, **kwargs: Any
) -> ChatOpenAI:
    """A `ChatOpenAI` for the configured provider.

    `sim` adds per-request simulator controls (latency, faults); it is only sent to the
    embedded provider, since real endpoints reject unknown body fields. Extra `kwargs`
    (`streaming=`, `model=`, `max_tokens=`...) pass straight to `ChatOpenAI`.
    """
    options: dict[str, Any] = {
        "model": config.model,
        "base_url": config.base_url or OPENAI_URL,
        # langchain-openai streams usage only for OpenAI's own URL unless told otherwise.
        "stream_usage": True,
        "timeout": config.timeout_s,
        # Faults should surface at once in lessons; real providers get the SDK's retries.
        "max_retries": 0 if config.kind == "embedded" else 2,
        "http_async_client": loop_safe_async_client(config.timeout_s),
    }
    if config.api_key is not None:
        options["api_key"] = config.api_key
    elif config.kind == "compatible":  # local servers need no key, but the SDK wants one
        options["api_key"] = SecretStr("not-needed")
    if config.kind == "embedded":
        body = _sim_body(config, sim)
        if body:
            options["extra_body"] = {"sim": body}
    options.update(kwargs)
    return ChatOpenAI(**options)


@dataclass(frozen=True, slots=True)
class ConnectionStatus:
    ok: bool
    message: str
    models: tuple[str, ...] = ()


def _url_problem(base_url: str) -> str | None:
    parsed = urlparse(base_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return (
            f"'{base_url}' is not a valid base URL. Use the full address including the scheme, "
            "e.g. http://localhost:11434/v1 for Ollama."
        )
    return None


def check_connection(config: ProviderConfig, *, timeout_s: float = 5.0) -> ConnectionStatus:
    """Ask the endpoint for its model list and explain any failure in plain words."""
    base_url = config.base_url or OPENAI_URL
    problem = _url_problem(base_url)
    if problem:
        return ConnectionStatus(False, problem)
    headers = {"authorization": f"Bearer {config.key()}"} if config.key() else {}
    try:
        response = http_get(base_url.rstrip("/") + "/models", headers=headers, timeout=timeout_s)
    except httpx.TimeoutException:
        return ConnectionStatus(False, f"{base_url} did not answer within {timeout_s:g} s.")
    except httpx.HTTPError as exc:
        return ConnectionStatus(
            False,
            f"Cannot reach {base_url}: {type(exc).__name__}. "
            "Is the server running, and is the address right?",
        )
    if response.status_code in (401, 403) and not config.key():
        return ConnectionStatus(
            False,
            f"{base_url} needs an API key (HTTP {response.status_code}), and none was sent. "
            "Type the key in the sidebar.",
        )
    if response.status_code in (401, 403):
        return ConnectionStatus(
            False,
            f"{base_url} rejected the API key (HTTP {response.status_code}). "
            f"Check the key ({mask_key(config.key())}).",
        )
    if response.status_code >= 400:
        return ConnectionStatus(False, f"{base_url}/models answered HTTP {response.status_code}.")
    try:
        models = tuple(str(m.get("id")) for m in response.json().get("data", []))
    except (ValueError, AttributeError):
        return ConnectionStatus(False, f"{base_url}/models did not return an OpenAI-style model list.")
    note = "" if not models or config.model in models else f" (model '{config.model}' not listed)"
    return ConnectionStatus(True, f"Connected to {base_url}: {len(models)} models{note}.", models)
