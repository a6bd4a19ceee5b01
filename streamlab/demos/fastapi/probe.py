"""What the chain really produced, seen from inside the chat server: a pass-through probe step.

It timestamps every chunk after the model and records how the chain ended (completed, closed,
cancelled, error), so the lesson can prove what a client disconnect really does upstream.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from langchain_core.runnables import Runnable, RunnableGenerator

from streamlab.measure.recorder import chunk_text

__all__ = ["OUTCOMES", "Outcome", "RunProbe", "probe_step"]

Outcome = Literal["running", "completed", "closed", "cancelled", "error"]
OUTCOMES: tuple[Outcome, ...] = ("running", "completed", "closed", "cancelled", "error")


@dataclass(slots=True)
class RunProbe:
    """One request's chain activity; times are `perf_counter_ns()` of this process."""

    rid: str
    endpoint: str
    started_ns: int = field(default_factory=time.perf_counter_ns)
    chunk_ns: list[int] = field(default_factory=list)
    chunk_chars: list[int] = field(default_factory=list)
    threads: list[str] = field(default_factory=list)  # thread names that produced chunks, first seen
    outcome: Outcome = "running"
    ended_ns: int | None = None
    error: str | None = None

    def produced(self, chunk: object) -> None:
        self.chunk_ns.append(time.perf_counter_ns())
        self.chunk_chars.append(len(chunk_text(chunk)))
        name = threading.current_thread().name
        if name not in self.threads:
            self.threads.append(name)

    def finish(self, outcome: Outcome, exc: BaseException | None = None) -> None:
        if self.outcome == "running":
            self.outcome, self.ended_ns = outcome, time.perf_counter_ns()
            self.error = f"{type(exc).__name__}: {exc}" if outcome == "error" else None

    def snapshot(self) -> dict[str, Any]:
        return {
            "rid": self.rid,
            "endpoint": self.endpoint,
            "pid": os.getpid(),
            "clock": "perf_counter_ns",
            "started_ns": self.started_ns,
            "chunk_ns": list(self.chunk_ns),
            "chunk_chars": list(self.chunk_chars),
            "chunks": len(self.chunk_ns),
            "threads": list(self.threads),
            "outcome": self.outcome,
            "ended_ns": self.ended_ns,
            "error": self.error,
        }


def _outcome_of(exc: BaseException) -> Outcome:
    if isinstance(exc, GeneratorExit):
        return "closed"  # someone called .close() on the generator (or the GC did)
    if isinstance(exc, asyncio.CancelledError):
        return "cancelled"
    return "error"


def probe_step(run: RunProbe) -> Runnable:
    """A pass-through step after the model: timestamps chunks, records how the stream ended."""

    def watch(chunks: Iterator[Any]) -> Iterator[Any]:
        try:
            for chunk in chunks:
                run.produced(chunk)
                yield chunk
        except BaseException as exc:
            run.finish(_outcome_of(exc), exc)
            raise
        run.finish("completed")

    async def awatch(chunks: AsyncIterator[Any]) -> AsyncIterator[Any]:
        try:
            async for chunk in chunks:
                run.produced(chunk)
                yield chunk
        except BaseException as exc:
            run.finish(_outcome_of(exc), exc)
            raise
        run.finish("completed")

    return RunnableGenerator(watch, awatch, name="probe")
