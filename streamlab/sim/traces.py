"""The "sent by server" layer: when each content chunk of a traced request left the simulator.

A request whose `sim` body carries a `trace_id` gets a `SendTrace`; the server stamps the
wall-clock time (`time.time_ns()`, so the browser's `Date.now()` on the same machine can be
compared with it) right after each write of content chunks to the socket returned. Traces live
in a small bounded store, served at `GET /v1/sim/traces/{trace_id}`.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

__all__ = ["MAX_TRACES", "SendTrace", "TraceStore"]

MAX_TRACES = 200  # the most recent traced requests kept in memory
MAX_CHUNKS_PER_TRACE = 100_000


@dataclass(slots=True)
class SendTrace:
    trace_id: str
    received_ns: int = field(default_factory=time.time_ns)  # when the request was accepted
    sent_ns: list[int] = field(default_factory=list)  # one per content chunk, in order
    texts: list[str] = field(default_factory=list)
    end_ns: int | None = None  # when the final `[DONE]` (or the whole JSON answer) was written
    complete: bool = False

    def mark_sent(self, texts: list[str], at_ns: int | None = None) -> None:
        """Stamp `texts` (content chunks written together in one socket write) as sent now."""
        if not texts or len(self.texts) >= MAX_CHUNKS_PER_TRACE:
            return
        now = time.time_ns() if at_ns is None else at_ns
        self.sent_ns.extend([now] * len(texts))
        self.texts.extend(texts)

    def finish(self) -> None:
        self.end_ns, self.complete = time.time_ns(), True

    def to_json(self) -> dict[str, Any]:
        return {
            "trace_id": self.trace_id,
            "received_ns": self.received_ns,
            "sent_ns": list(self.sent_ns),
            "texts": list(self.texts),
            "end_ns": self.end_ns,
            "complete": self.complete,
        }


class TraceStore:
    """The last `limit` traces by id; starting a trace with a known id replaces the old one."""

    def __init__(self, limit: int = MAX_TRACES) -> None:
        self._limit = limit
        self._traces: OrderedDict[str, SendTrace] = OrderedDict()
        self._lock = threading.Lock()

    def start(self, trace_id: str) -> SendTrace:
        trace = SendTrace(trace_id)
        with self._lock:
            self._traces.pop(trace_id, None)
            self._traces[trace_id] = trace
            while len(self._traces) > self._limit:
                self._traces.popitem(last=False)
        return trace

    def get(self, trace_id: str) -> SendTrace | None:
        with self._lock:
            return self._traces.get(trace_id)

    def __len__(self) -> int:
        with self._lock:
            return len(self._traces)
