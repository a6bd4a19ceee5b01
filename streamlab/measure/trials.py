"""Repeated stream-vs-invoke trials, their medians, and a verdict in plain words.

One run proves little (networks and servers jitter), so the comparison lesson repeats each
mode N times, alternating which goes first, and compares medians. The same verdict sentence
serves the single race on the "why streaming matters" page.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import NamedTuple

import pandas as pd

from streamlab.client.errors import explain_error

__all__ = [
    "MEDIAN_LABELS",
    "TRIAL_COLUMNS",
    "Measurement",
    "Trial",
    "medians",
    "mode_row",
    "run_trials",
    "seed_table",
    "to_frame",
    "verdict",
    "verdict_for",
]

MEDIAN_LABELS = {
    "mode": "mode",
    "trials": "trials",
    "ttft_ms": "median TTFT (ms)",
    "total_ms": "median total (ms)",
    "chunks": "median chunks",
}  # for display
TRIAL_COLUMNS = ["trial", "mode", "ttft_ms", "total_ms", "chunks", "error"]
EQUAL_WITHIN_PCT = 10.0  # totals closer than this count as "the same"
MIN_SPEEDUP = 1.5  # below this, streaming made no visible difference


class Measurement(NamedTuple):
    ttft_ms: float | None  # request start → first chunk with text
    total_ms: float  # request start → answer complete
    chunks: int  # every chunk, empty ones included


@dataclass(frozen=True, slots=True)
class Trial:
    trial: int  # 1-based round number
    mode: str  # "stream" | "invoke"
    ttft_ms: float | None
    total_ms: float | None
    chunks: int | None
    error: str | None = None  # plain-language explanation when the trial failed


def run_trials(measure: Mapping[str, Callable[[], Measurement]], n: int) -> Iterator[Trial]:
    """n rounds of every mode; the order alternates so neither mode always goes first."""
    modes = list(measure)
    for i in range(n):
        for mode in modes if i % 2 == 0 else modes[::-1]:
            try:
                m = measure[mode]()
            except Exception as exc:  # a failed trial is a row, not the end of the experiment
                yield Trial(i + 1, mode, None, None, None, explain_error(exc))
                continue
            yield Trial(i + 1, mode, m.ttft_ms, m.total_ms, m.chunks)


def to_frame(trials: Iterable[Trial]) -> pd.DataFrame:
    """One row per trial (TRIAL_COLUMNS); failed trials have NaN numbers and an error message."""
    frame = pd.DataFrame([asdict(t) for t in trials], columns=TRIAL_COLUMNS)
    return frame.astype({"ttft_ms": float, "total_ms": float, "chunks": float})


def medians(frame: pd.DataFrame) -> pd.DataFrame:
    """Per mode: successful trials, median TTFT / total / chunks (failed trials left out)."""
    ok = frame[frame["error"].isna()]
    table = ok.groupby("mode", sort=False).agg(
        trials=("trial", "count"),
        ttft_ms=("ttft_ms", "median"),
        total_ms=("total_ms", "median"),
        chunks=("chunks", "median"),
    )
    return table.reset_index().round({"ttft_ms": 1, "total_ms": 1, "chunks": 1})


def mode_row(table: pd.DataFrame, mode: str) -> dict[str, float | int] | None:
    """One mode's medians as a summary dict (ttft_ms, total_ms, chunks), or None if it has none."""
    rows = table[table["mode"] == mode]
    if rows.empty or pd.isna(rows.iloc[0]["ttft_ms"]):
        return None
    row = rows.iloc[0]
    return {
        "ttft_ms": float(row.ttft_ms),
        "total_ms": float(row.total_ms),
        "chunks": round(float(row.chunks)),
        "trials": int(row.trials),
    }


def verdict_for(table: pd.DataFrame) -> str | None:
    """`verdict()` on the medians of `medians(frame)`; None unless both modes have results."""
    stream, invoke = mode_row(table, "stream"), mode_row(table, "invoke")
    if stream is None or invoke is None:
        return None
    return verdict(stream["ttft_ms"], invoke["ttft_ms"], stream["total_ms"], invoke["total_ms"])


def verdict(stream_ttft: float, invoke_ttft: float, stream_total: float, invoke_total: float) -> str:
    """E.g. "Streaming showed first text 7.9× sooner (…); total time equal within 2% (…)."."""
    speedup = invoke_ttft / stream_ttft
    if speedup < MIN_SPEEDUP:
        first = (
            f"Streaming showed first text only {speedup:.1f}× sooner ({stream_ttft:.0f} ms vs "
            f"{invoke_ttft:.0f} ms): this answer is too short or too fast for streaming to matter"
        )
    else:
        first = (
            f"Streaming showed first text {speedup:.1f}× sooner "
            f"({stream_ttft:.0f} ms vs {invoke_ttft:.0f} ms)"
        )
    diff = (stream_total - invoke_total) / invoke_total * 100
    totals = f"({stream_total:.0f} ms vs {invoke_total:.0f} ms)"
    if abs(diff) <= EQUAL_WITHIN_PCT:
        second = f"total time equal within {max(math.ceil(abs(diff)), 1)}% {totals}"
    else:
        longer = "longer" if diff > 0 else "shorter"
        second = f"total time {abs(diff):.0f}% {longer} when streaming {totals}"
    return f"{first}; {second}."


def seed_table(table: pd.DataFrame) -> pd.DataFrame:
    """The seed's comparison table with a measured value per mode and what the numbers say."""
    s, i = (table.set_index("mode").loc[mode] for mode in ("stream", "invoke"))
    diff = abs(s.total_ms - i.total_ms) / i.total_ms * 100
    rows = [
        (
            "Latency",
            "Low / High",
            f"total {s.total_ms:.0f} ms / {i.total_ms:.0f} ms",
            f"Misleading: total latency is about the same (differs by {diff:.0f}%).",
        ),
        (
            "Time to first text (new row)",
            "—",
            f"{s.ttft_ms:.0f} ms / {i.ttft_ms:.0f} ms",
            f"This is what streaming changes: {i.ttft_ms / s.ttft_ms:.1f}× sooner.",
        ),
        (
            "UX",
            "Real-time / Delayed",
            f"text from {s.ttft_ms:.0f} ms on / blank until {i.ttft_ms:.0f} ms",
            "Agrees.",
        ),
        (
            "Complexity",
            "Slightly higher / Simple",
            f"{s.chunks:.0f} chunks / 1 message",
            "Agrees: loop over chunks; errors can arrive mid-answer.",
        ),
        (
            "Use case",
            "Chat, UI / Batch, backend",
            "—",
            "Stream when a person waits; invoke when code reads it.",
        ),
    ]
    columns = ["Aspect", "Seed (stream / invoke)", "Measured (stream / invoke)", "What the numbers say"]
    return pd.DataFrame(rows, columns=columns)
