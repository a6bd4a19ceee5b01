"""Latency metrics for a recorded stream, as pure functions over timestamps.

Kept apart from `recorder.py` so every number a page shows (TTFT, output speed, gaps,
stalls) can be tested on a hand-written schedule, without a clock or a model.
Definitions follow LESSON-FACTS.md; each field's docstring names its convention.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal, TypedDict

__all__ = [
    "ROW_COLUMNS",
    "ChunkRecord",
    "ChunkRow",
    "StreamMetrics",
    "compute_branch_metrics",
    "compute_metrics",
    "percentile",
    "to_rows",
]

_NS_PER_MS = 1_000_000
_NS_PER_S = 1_000_000_000


@dataclass(frozen=True, slots=True)
class ChunkRecord:
    t_ns: int  # perf_counter_ns() when the chunk arrived
    text: str  # "" for role / finish / usage-only chunks
    branch: str | None = None  # RunnableParallel key, None for a plain stream
    output_tokens: int | None = None  # from usage_metadata, when the chunk carries it


class StreamMetrics(TypedDict):
    """Latency numbers for one run or one parallel branch (times in ms, speeds in tokens/s)."""

    ttft_ms: float | None
    """Request start → first chunk with non-empty text (the empty role chunk does not count)."""
    total_ms: float | None
    """Request start → stream end (for a branch: → its last chunk). None while still streaming."""
    chunks: int
    """Every chunk, empty ones included: chunk count ≠ token count."""
    content_chunks: int
    """Chunks whose text is non-empty."""
    output_tokens: int
    """Summed usage_metadata output_tokens, or the content-chunk count (see tokens_source)."""
    tokens_source: Literal["usage", "chunks"]
    """Where output_tokens came from: the provider's usage report, or counting content chunks."""
    output_speed_tps: float | None
    """(tokens − 1) / (last − first content chunk): excludes TTFT (Artificial Analysis)."""
    throughput_tps: float | None
    """tokens / total time: includes TTFT (llmperf's per-request throughput)."""
    gap_p50_ms: float | None
    """Median time between consecutive content chunks."""
    gap_p95_ms: float | None
    """95th percentile of the same gaps (linear interpolation)."""
    gap_max_ms: float | None
    """Longest gap between consecutive content chunks."""
    stalls: int
    """Gaps longer than stall_factor × the median gap (3× by default)."""


class ChunkRow(TypedDict):
    """One recorded chunk, as a dataframe / JSON / CSV row."""

    run: str
    """The run's label, so rows of several runs can be concatenated."""
    index: int
    """Arrival order, from 0."""
    t_ms: float
    """Milliseconds since the request start."""
    gap_ms: float | None
    """Milliseconds since the previous chunk of the same branch; None for its first chunk."""
    branch: str | None
    """RunnableParallel key; None for a plain stream."""
    text: str
    """The chunk's text (see `chunk_text`)."""
    chars: int
    """len(text)."""
    cum_chars: int
    """Characters so far in this branch (the whole run for a plain stream)."""
    cum_content_chunks: int
    """Non-empty chunks so far in this branch."""


ROW_COLUMNS = list(ChunkRow.__annotations__)


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0–100) with linear interpolation, like numpy's default."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def compute_metrics(
    chunks: Iterable[ChunkRecord],
    start_ns: int,
    end_ns: int | None,
    *,
    stall_factor: float = 3.0,
) -> StreamMetrics:
    """Metrics for all `chunks` together; pass a branch's chunks to get that branch's metrics."""
    chunks = list(chunks)
    content_ns = [c.t_ns for c in chunks if c.text]
    tokens, source = _output_tokens(chunks, len(content_ns))
    gaps_ms = [(b - a) / _NS_PER_MS for a, b in pairwise(content_ns)]
    p50 = percentile(gaps_ms, 50)
    total_ms = None if end_ns is None else (end_ns - start_ns) / _NS_PER_MS
    return StreamMetrics(
        ttft_ms=(content_ns[0] - start_ns) / _NS_PER_MS if content_ns else None,
        total_ms=total_ms,
        chunks=len(chunks),
        content_chunks=len(content_ns),
        output_tokens=tokens,
        tokens_source=source,
        output_speed_tps=_output_speed(tokens, content_ns),
        throughput_tps=tokens / (total_ms / 1000) if total_ms else None,
        gap_p50_ms=p50,
        gap_p95_ms=percentile(gaps_ms, 95),
        gap_max_ms=max(gaps_ms, default=None),
        stalls=sum(g > stall_factor * p50 for g in gaps_ms) if p50 is not None else 0,
    )


def compute_branch_metrics(
    chunks: Iterable[ChunkRecord], start_ns: int, *, stall_factor: float = 3.0
) -> dict[str, StreamMetrics]:
    """Per-branch metrics for a RunnableParallel stream; {} when no chunk has a branch.

    A branch has no end event of its own, so its total time runs to its last chunk.
    """
    groups: dict[str, list[ChunkRecord]] = {}
    for chunk in chunks:
        if chunk.branch is not None:
            groups.setdefault(chunk.branch, []).append(chunk)
    return {
        key: compute_metrics(group, start_ns, group[-1].t_ns, stall_factor=stall_factor)
        for key, group in groups.items()
    }


def _output_tokens(
    chunks: Sequence[ChunkRecord], content_chunks: int
) -> tuple[int, Literal["usage", "chunks"]]:
    # Usage counts only if every branch reported it: summing one branch's real token count
    # with another branch's chunk count would be neither number.
    reported: dict[str | None, int] = {}
    for c in chunks:
        if c.output_tokens is not None:
            reported[c.branch] = reported.get(c.branch, 0) + c.output_tokens
    branches = {c.branch for c in chunks}
    if reported and branches <= reported.keys():
        return sum(reported.values()), "usage"
    return content_chunks, "chunks"


def _output_speed(tokens: int, content_ns: Sequence[int]) -> float | None:
    if tokens < 2 or len(content_ns) < 2 or content_ns[-1] == content_ns[0]:
        return None
    return (tokens - 1) / ((content_ns[-1] - content_ns[0]) / _NS_PER_S)


def to_rows(chunks: Iterable[ChunkRecord], start_ns: int, run: str) -> list[ChunkRow]:
    """One row per chunk; gaps and running totals are per branch, so parallel branches race."""
    last_ns: dict[str | None, int] = {}
    chars: dict[str | None, int] = {}
    content: dict[str | None, int] = {}
    rows: list[ChunkRow] = []
    for i, c in enumerate(chunks):
        prev = last_ns.get(c.branch)
        last_ns[c.branch] = c.t_ns
        chars[c.branch] = chars.get(c.branch, 0) + len(c.text)
        content[c.branch] = content.get(c.branch, 0) + bool(c.text)
        rows.append(
            ChunkRow(
                run=run,
                index=i,
                t_ms=(c.t_ns - start_ns) / _NS_PER_MS,
                gap_ms=None if prev is None else (c.t_ns - prev) / _NS_PER_MS,
                branch=c.branch,
                text=c.text,
                chars=len(c.text),
                cum_chars=chars[c.branch],
                cum_content_chunks=content[c.branch],
            )
        )
    return rows
