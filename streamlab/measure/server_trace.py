"""The "sent by server" layer, read back: the simulator's send times for one traced request.

A request whose `sim` body carries a `trace_id` (`new_trace_id()`) is traced by the embedded
simulator (`GET /v1/sim/traces/{id}`); `fetch_server_trace` reads that trace back as epoch times.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from streamlab.client.http import http_client

if TYPE_CHECKING:
    from streamlab.client.providers import ProviderConfig

__all__ = ["ServerTrace", "fetch_server_trace", "new_trace_id", "simulator_url"]


def new_trace_id() -> str:
    """An id for `sim={"trace_id": ...}` (also safe in CSS class names)."""
    return uuid.uuid4().hex[:16]


@dataclass(frozen=True, slots=True)
class ServerTrace:
    """What `GET /v1/sim/traces/{trace_id}` returned: one epoch time per content chunk."""

    sent_ns: tuple[int, ...]
    texts: tuple[str, ...]
    end_ns: int | None = None
    complete: bool = False
    received_ns: int | None = None  # when the simulator accepted the request
    summary_sent_ns: tuple[int, ...] = ()
    """A reasoning model's summary deltas (Responses API), stamped apart from the answer's."""
    summary_texts: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> ServerTrace:
        sent, texts = tuple(int(t) for t in body["sent_ns"]), tuple(str(t) for t in body["texts"])
        if len(sent) != len(texts):
            raise ValueError(f"trace has {len(sent)} times but {len(texts)} texts")
        thought_ns = tuple(int(t) for t in body.get("summary_sent_ns", ()))
        thoughts = tuple(str(t) for t in body.get("summary_texts", ()))
        if len(thought_ns) != len(thoughts):
            raise ValueError(f"trace has {len(thought_ns)} summary times but {len(thoughts)} texts")
        end, received = body.get("end_ns"), body.get("received_ns")
        return cls(
            sent,
            texts,
            None if end is None else int(end),
            bool(body.get("complete")),
            None if received is None else int(received),
            thought_ns,
            thoughts,
        )

    def summary(self) -> ServerTrace:
        """The reasoning summary's deltas as a trace of their own (to time the thoughts in layers)."""
        return ServerTrace(
            self.summary_sent_ns, self.summary_texts, self.end_ns, self.complete, self.received_ns
        )


def simulator_url(config: ProviderConfig) -> str | None:
    """Where to ask for send traces: only the embedded simulator records them."""
    return config.base_url if config.kind == "embedded" else None


@functools.cache
def _client() -> httpx.Client:
    """One client for every trace fetch of the process. `httpx.get` builds a client per call, and
    with it an SSL context that loads the system's CA bundle: ~23 ms of CPU, mostly holding the
    GIL, for a plain-HTTP loopback request. Every timed run fetches one trace per lane, so in a
    room of 30 learners that alone stalled the other sessions' streams (bench/classroom.py).
    httpx.Client is safe to share between the session threads."""
    return http_client()


def fetch_server_trace(base_url: str, trace_id: str, *, timeout_s: float = 5.0) -> ServerTrace | None:
    """The simulator's send times for `trace_id`; None if unknown or unreachable.

    `base_url` is the simulator's address, with or without the OpenAI-style `/v1` suffix.
    """
    base = base_url.rstrip("/").removesuffix("/v1")
    try:
        response = _client().get(f"{base}/v1/sim/traces/{trace_id}", timeout=timeout_s)
    except httpx.HTTPError:
        return None
    if response.status_code != 200:
        return None
    try:
        return ServerTrace.from_json(response.json())
    except (ValueError, KeyError, TypeError):
        return None
