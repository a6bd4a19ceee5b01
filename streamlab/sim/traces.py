"""The "sent by server" layer: when each content chunk of a traced request left the simulator.

A request whose `sim` body carries a `trace_id` gets a `SendTrace`; the server stamps the
wall-clock time (`time.time_ns()`, so the browser's `Date.now()` on the same machine can be
compared with it) right after each write of content chunks to the socket returned. Traces live
in a small bounded store, served at `GET /v1/sim/traces/{trace_id}`. A reasoning model's summary
deltas (Responses API) are stamped by the same writes, in lists of their own (`summary_*`), so
the answer's layer stays the answer's while a lesson can time the first thought too.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

__all__ = ["MAX_TRACES", "MAX_TRACE_BYTES", "SendTrace", "TraceStore"]

MAX_TRACES = 200  # the most recent traced requests kept in memory
MAX_TRACE_BYTES = 16 << 20  # all kept traces together, estimated: the store never holds more
_CHUNK_BYTES = 100  # estimated cost of one stamp beyond its text: an int, a str object, list slots


@dataclass(slots=True)
class SendTrace:
    trace_id: str
    received_ns: int = field(default_factory=time.time_ns)  # when the request was accepted
    sent_ns: list[int] = field(default_factory=list)  # one per content chunk, in order
    texts: list[str] = field(default_factory=list)
    summary_sent_ns: list[int] = field(default_factory=list)  # one per reasoning summary delta
    summary_texts: list[str] = field(default_factory=list)
    end_ns: int | None = None  # when the final `[DONE]` (or the whole JSON answer) was written
    complete: bool = False
    truncated: bool = False  # the store's byte budget ran out: later chunks were not recorded
    size_bytes: int = 0  # estimated memory held by sent_ns and texts
    _store: TraceStore | None = field(default=None, repr=False, compare=False)

    def mark_sent(
        self, texts: list[str], at_ns: int | None = None, *, summary: list[str] | None = None
    ) -> None:
        """Stamp `texts` (content chunks written together in one socket write), and the reasoning
        `summary` deltas of the same write, as sent now."""
        summary = summary or []
        if not (texts or summary) or self.truncated:
            return
        pieces = [*texts, *summary]
        grows = sum(len(t) for t in pieces) + _CHUNK_BYTES * len(pieces)
        if self._store is not None and not self._store._make_room(self, grows):
            self.truncated = True
            return
        now = time.time_ns() if at_ns is None else at_ns
        self.sent_ns.extend([now] * len(texts))
        self.texts.extend(texts)
        self.summary_sent_ns.extend([now] * len(summary))
        self.summary_texts.extend(summary)
        self.size_bytes += grows

    def finish(self) -> None:
        self.end_ns, self.complete = time.time_ns(), True

    def to_json(self) -> dict[str, Any]:
        return {
            "trace_id": self.trace_id,
            "received_ns": self.received_ns,
            "sent_ns": list(self.sent_ns),
            "texts": list(self.texts),
            "summary_sent_ns": list(self.summary_sent_ns),
            "summary_texts": list(self.summary_texts),
            "end_ns": self.end_ns,
            "complete": self.complete,
            "truncated": self.truncated,
        }


class TraceStore:
    """The last `limit` traces by id, `max_bytes` at most; a known id replaces the old trace.

    When a trace grows past the byte budget the oldest other traces are dropped first; a
    single trace larger than the whole budget stops recording and says `truncated`.
    """

    def __init__(self, limit: int = MAX_TRACES, max_bytes: int = MAX_TRACE_BYTES) -> None:
        self._limit, self._max_bytes = limit, max_bytes
        self._traces: OrderedDict[str, SendTrace] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def start(self, trace_id: str) -> SendTrace:
        trace = SendTrace(trace_id, _store=self)
        with self._lock:
            old = self._traces.pop(trace_id, None)
            if old is not None:
                self._forget(old)
            self._traces[trace_id] = trace
            while len(self._traces) > self._limit:
                self._forget(self._traces.popitem(last=False)[1])
        return trace

    def _forget(self, trace: SendTrace) -> None:
        self._bytes -= trace.size_bytes
        # Nobody can read a dropped trace: the request still writing to it stops recording.
        trace._store, trace.truncated = None, True

    def _make_room(self, trace: SendTrace, grows: int) -> bool:
        """Reserve `grows` bytes for `trace`, dropping the oldest other traces; False if impossible."""
        with self._lock:
            if trace.size_bytes + grows > self._max_bytes:
                return False
            while self._bytes + grows > self._max_bytes:
                oldest = next(t for t in self._traces.values() if t is not trace)
                del self._traces[oldest.trace_id]
                self._forget(oldest)
            self._bytes += grows
            return True

    def size_bytes(self) -> int:
        with self._lock:
            return self._bytes

    def get(self, trace_id: str) -> SendTrace | None:
        with self._lock:
            return self._traces.get(trace_id)

    def __len__(self) -> int:
        with self._lock:
            return len(self._traces)
