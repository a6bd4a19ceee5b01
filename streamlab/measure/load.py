"""Concurrent streaming sessions against one endpoint: the workshop-room load check.

Shared by the load test and `bench/concurrency.py`, so the number CI asserts and the one the
bench prints come from the same code.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from langchain_openai import ChatOpenAI

__all__ = ["LoadResult", "open_fds", "p95", "run_sessions", "ttft_ms"]


def ttft_ms(llm: ChatOpenAI, prompt: str = "Explain streaming") -> float:
    """Stream one answer to the end; return the time to its first non-empty chunk."""
    start = time.perf_counter()
    first: float | None = None
    for chunk in llm.stream(prompt):
        if first is None and chunk.content:
            first = (time.perf_counter() - start) * 1000
    if first is None:
        raise RuntimeError("the stream produced no text")
    return first


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]


@dataclass(frozen=True, slots=True)
class LoadResult:
    sessions: int
    ttfts_ms: list[float]
    wall_s: float

    @property
    def p95_ms(self) -> float:
        return p95(self.ttfts_ms)


def run_sessions(make_llm: Callable[[], ChatOpenAI], sessions: int, runs_each: int = 1) -> LoadResult:
    """`sessions` threads stream at once, each `runs_each` times; every TTFT is kept."""

    def session(_: int) -> list[float]:
        llm = make_llm()
        return [ttft_ms(llm) for _ in range(runs_each)]

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=sessions) as pool:
        results = list(pool.map(session, range(sessions)))
    return LoadResult(sessions, [t for r in results for t in r], time.perf_counter() - start)


def open_fds() -> int:
    """Open file descriptors of this process (sockets included); Linux only."""
    return len(os.listdir("/proc/self/fd"))


def thread_count() -> int:
    return threading.active_count()
