"""Stamp an agent's stream on arrival and keep it as lanes of events: what the lesson draws live,
counts per mode, and plots on one timeline.

`AgentTimeline.wrap()` sits between `agent.stream()` and the page, like `StreamRecorder` does for a
chain: the clock is read before the page draws anything, so slow drawing does not shift the times.
Answer tokens also go to a `StreamRecorder` per lane (`answer()`), sharing the timeline's clock and
origin: what the three-layer timing reads as "received by LangChain".
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from streamlab.demos.agent_streaming.events import KINDS, AgentEvent, Kind, describe_part
from streamlab.measure.recorder import StreamRecorder

__all__ = ["FRAME_COLUMNS", "AgentTimeline"]

FRAME_COLUMNS = ["t_ms", "lane", "kind", "label", "node"]


@dataclass(slots=True)
class AgentTimeline:
    """Everything one agent run streamed, lane by lane, with arrival times."""

    clock: Callable[[], int] = time.perf_counter_ns
    events: list[AgentEvent] = field(default_factory=list)
    parts: dict[str, int] = field(default_factory=dict)
    """Stream parts received per lane (an update of two nodes is one part, two events)."""
    start_ns: int | None = None
    end_ns: int | None = None
    recorders: dict[str, StreamRecorder] = field(default_factory=dict)
    """The answer tokens of each lane that carried some, as a `StreamRecorder` records them."""

    def start(self) -> None:
        """Start the clock now (only the first call counts)."""
        if self.start_ns is None:
            self.start_ns = self.clock()

    def ms(self, t_ns: int) -> float:
        return (t_ns - (self.start_ns if self.start_ns is not None else t_ns)) / 1e6

    def wrap(self, parts: Iterable[tuple[str, Any]]) -> Iterator[list[AgentEvent]]:
        """For each `(mode, data)` part, stamped on arrival: the events it became."""
        self.start()
        try:
            for mode, data in parts:
                t_ns = self.clock()
                yield [self.add(mode, *described, t_ns=t_ns, new_part=i == 0)
                       for i, described in enumerate(describe_part(mode, data))]  # fmt: skip
        finally:
            self.end_ns = self.clock()

    def add(
        self,
        lane: str,
        kind: Kind,
        label: str,
        text: str = "",
        node: str = "",
        *,
        t_ns: int | None = None,
        new_part: bool = True,
    ) -> AgentEvent:
        """Record one event (the v3 lesson calls this from its projection readers)."""
        self.start()
        if new_part:
            self.parts[lane] = self.parts.get(lane, 0) + 1
        t_ns = self.clock() if t_ns is None else t_ns
        event = AgentEvent(self.ms(t_ns), lane, kind, label, text, self.parts.get(lane, 1) - 1, node)
        self.events.append(event)
        if kind == "answer token":
            self.answer(lane).record(text, t_ns)  # the same stamp: both clocks agree
        return event

    def finish(self) -> None:
        if self.end_ns is None:
            self.end_ns = self.clock()

    @property
    def total_ms(self) -> float | None:
        return None if self.end_ns is None else self.ms(self.end_ns)

    def of(self, lane: str | None = None, kind: Kind | None = None) -> list[AgentEvent]:
        return [e for e in self.events if lane in (None, e.lane) and kind in (None, e.kind)]

    def first_ms(self, lane: str | None = None, kind: Kind | None = None) -> float | None:
        found = self.of(lane, kind)
        return found[0].t_ms if found else None

    def text(self, lane: str, kind: Kind = "answer token") -> str:
        return "".join(e.text for e in self.of(lane, kind))

    def answer(self, lane: str) -> StreamRecorder:
        """`lane`'s answer tokens for `RunContext.finish`: a `StreamRecorder` from the run's start."""
        if lane not in self.recorders:
            recorder = StreamRecorder(label=f"{lane}: answer tokens", clock=self.clock)
            recorder.start_ns = self.start_ns
            self.recorders[lane] = recorder
        return self.recorders[lane]

    def step_order(self, lane: str = "updates") -> list[str]:
        """The nodes in the order their updates arrived (`model`, `tools`, `tools`, `model`…)."""
        return [e.node for e in self.of(lane)]

    def counts(self, lanes: Iterable[str]) -> pd.DataFrame:
        """One row per lane: parts received, then how many events of each kind it carried."""
        lanes = list(lanes)
        kinds = [k for k in KINDS if any(e.kind == k for e in self.events)]
        rows = [
            [lane, self.parts.get(lane, 0), *(len(self.of(lane, k)) for k in kinds)] for lane in lanes
        ]
        return pd.DataFrame(rows, columns=["lane", "parts", *kinds])

    def to_frame(self) -> pd.DataFrame:
        """Every event, for the timeline chart and its table."""
        rows = [(e.t_ms, e.lane, e.kind, e.label, e.node) for e in self.events]
        return pd.DataFrame(rows, columns=FRAME_COLUMNS)
