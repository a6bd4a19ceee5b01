"""Run several lanes (e.g. `llm.stream()` and `llm.invoke()`) at the same moment, in threads.

Each lane is consumed in its own thread and recorded with its own `StreamRecorder`; what
arrives is pushed onto one queue. The caller (Streamlit's script thread, the only thread
allowed to touch the page) drains that queue, so no UI call ever happens off that thread.
A start barrier makes the lanes send their requests together, so the race is fair.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

from streamlab.measure.recorder import RunSummary, StreamRecorder, chunk_text

__all__ = ["Race", "RaceEvent", "RaceTick"]

EventKind = Literal["text", "done", "error"]


@dataclass(frozen=True, slots=True)
class RaceEvent:
    lane: str
    kind: EventKind
    t_ms: float  # since the race started
    text: str = ""  # the chunk's text ("text"), or the error message ("error")


@dataclass(frozen=True, slots=True)
class RaceTick:
    """Nothing arrived for a while: time for the caller to move its clock."""

    t_ms: float


class Race:
    """Start with `run()`, then iterate: RaceEvents as they arrive, RaceTicks in between."""

    def __init__(self, lanes: Mapping[str, Callable[[], Iterable[object]]]) -> None:
        self.lanes = dict(lanes)
        self.recorders = {name: StreamRecorder(label=name) for name in self.lanes}
        self.errors: dict[str, BaseException] = {}
        self._queue: queue.Queue[RaceEvent] = queue.Queue()
        # The clock restarts when the last lane reaches the barrier, the moment all requests go.
        self._barrier = threading.Barrier(len(self.lanes), action=self._start_clock)
        self._threads: list[threading.Thread] = []
        self.start_ns = 0

    def _start_clock(self) -> None:
        self.start_ns = time.perf_counter_ns()

    def _elapsed_ms(self) -> float:
        return (time.perf_counter_ns() - self.start_ns) / 1e6

    def _consume(self, name: str) -> None:
        self._barrier.wait()  # every lane sends its request at the same moment
        try:
            for chunk in self.recorders[name].wrap(self.lanes[name]):
                self._queue.put(RaceEvent(name, "text", self._elapsed_ms(), chunk_text(chunk)))
        except Exception as exc:  # reported as an event; the other lanes keep running
            self.errors[name] = exc
            self._queue.put(RaceEvent(name, "error", self._elapsed_ms(), str(exc)))
            return
        self._queue.put(RaceEvent(name, "done", self._elapsed_ms()))

    def run(self, *, tick_s: float = 0.05, timeout_s: float = 120.0) -> Iterator[RaceEvent | RaceTick]:
        """Start all lanes, yield what they send until every lane is done or failed."""
        self._start_clock()
        self._threads = [
            threading.Thread(target=self._consume, args=(name,), daemon=True, name=f"race-{name}")
            for name in self.lanes
        ]
        for thread in self._threads:
            thread.start()
        running = set(self.lanes)
        deadline = time.monotonic() + timeout_s
        while running and time.monotonic() < deadline:
            try:
                event = self._queue.get(timeout=tick_s)
            except queue.Empty:
                yield RaceTick(self._elapsed_ms())
                continue
            if event.kind != "text":
                running.discard(event.lane)
            yield event
        for thread in self._threads:
            thread.join(timeout=1.0)

    def summaries(self) -> dict[str, RunSummary]:
        """Each lane's metrics (TTFT, total, chunks…), measured from its own request start."""
        return {name: recorder.summary() for name, recorder in self.recorders.items()}
