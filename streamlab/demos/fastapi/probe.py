"""What the chain really produced, seen from inside the chat server: a pass-through probe.

It wraps the chain, timestamps every chunk it yields and records how it ended (completed, closed,
cancelled, error), so the lesson can prove what a client disconnect really does upstream. It
wraps rather than follows the model: a step after the model never runs when the model fails
before its first chunk (LangChain pulls that chunk before starting the next step), and such a
run would stay "running" for ever.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from langchain_core.runnables import Runnable

from streamlab.measure.recorder import chunk_text

if TYPE_CHECKING:
    from langchain_core.runnables import RunnableConfig

__all__ = ["OUTCOMES", "Outcome", "ProbedChain", "RunProbe"]

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
    began: bool = False  # the chain was called (a response can be cancelled before that)

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

    def settle(self) -> None:
        """After the response: a chain that was never called was cancelled before it began."""
        if not self.began:
            self.finish("cancelled")

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


class ProbedChain(Runnable[Any, Any]):
    """`chain` with `run` watching what it yields; `budget_s` cuts a stream off (TimeoutError)
    once it has run that long, checked at each chunk."""

    def __init__(self, chain: Runnable, run: RunProbe, *, budget_s: float | None = None) -> None:
        self.chain, self.run = chain, run
        self.budget_ns = None if budget_s is None else int(budget_s * 1e9)

    def _produced(self, chunk: object) -> None:
        self.run.produced(chunk)
        if self.budget_ns is not None and time.perf_counter_ns() - self.run.started_ns > self.budget_ns:
            raise TimeoutError(f"cut off after its {self.budget_ns / 1e9:g} s budget")

    def invoke(self, input: Any, config: RunnableConfig | None = None, **kwargs: Any) -> Any:
        self.run.began = True
        try:
            output = self.chain.invoke(input, config, **kwargs)
        except BaseException as exc:
            self.run.finish(_outcome_of(exc), exc)
            raise
        self.run.produced(output)
        self.run.finish("completed")
        return output

    def stream(
        self, input: Any, config: RunnableConfig | None = None, **kwargs: Any | None
    ) -> Iterator[Any]:
        self.run.began = True
        try:
            for chunk in self.chain.stream(input, config, **kwargs):
                self._produced(chunk)
                yield chunk
        except BaseException as exc:
            self.run.finish(_outcome_of(exc), exc)
            raise
        self.run.finish("completed")

    async def astream(
        self, input: Any, config: RunnableConfig | None = None, **kwargs: Any | None
    ) -> AsyncIterator[Any]:
        self.run.began = True
        try:
            async for chunk in self.chain.astream(input, config, **kwargs):
                self._produced(chunk)
                yield chunk
        except BaseException as exc:
            self.run.finish(_outcome_of(exc), exc)
            raise
        self.run.finish("completed")
