"""One timeline span per run of a captured `astream_events`: who ran inside whom, and when.

v2 names each run's ancestors; v1 does not, so there nesting is inferred from which run
started before and ended after another (see `to_spans`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from streamlab.measure.events import EventsLike, TimedEvent, event_phase, run_type, timed_events

__all__ = ["SPAN_COLUMNS", "to_spans"]

SPAN_COLUMNS = [
    "run_id", "parent_run_id", "name", "run_type", "start_ms", "end_ms", "depth",
    "n_stream_events", "first_stream_ms",
]  # fmt: skip


@dataclass(slots=True)
class _Run:
    run_id: str
    name: str
    run_type: str
    parent_ids: list[str]
    start_idx: int
    start_ms: float
    end_idx: int = -1
    end_ms: float | None = None
    ended: bool = False
    n_stream: int = 0
    first_stream_ms: float | None = None


def to_spans(events: EventsLike) -> pd.DataFrame:
    """One row per run (columns `SPAN_COLUMNS`), parents before children, siblings by start time.

    v2 names each run's ancestors in `parent_ids`; the parent is the nearest ancestor that was
    captured (filters can hide the direct parent). v1 leaves `parent_ids` empty, so nesting is
    inferred from containment: the parent is the innermost run that started before and ended
    after. That guess is ambiguous for overlapping parallel branches (a step of one branch can be
    put under its sibling branch); use v2 whenever the tree matters.
    """
    runs = _collect_runs(timed_events(events))
    has_parent_ids = any(run.parent_ids for run in runs.values())
    parents = _parents_from_ids(runs) if has_parent_ids else _parents_from_containment(runs)
    ordered = _tree_order(runs, parents)
    rows = [_span_row(runs[run_id], parents[run_id], depth) for run_id, depth in ordered]
    return pd.DataFrame(rows, columns=SPAN_COLUMNS)


def _collect_runs(timed_events: list[TimedEvent]) -> dict[str, _Run]:
    runs: dict[str, _Run] = {}
    for index, timed in enumerate(timed_events):
        event, phase = timed.event, event_phase(timed.event["event"])
        run = runs.get(run_id := str(event["run_id"]))
        if run is None:
            parent_ids = [str(parent) for parent in event.get("parent_ids", [])]
            kind = run_type(event["event"], event["name"])
            run = runs[run_id] = _Run(run_id, event["name"], kind, parent_ids, index, timed.t_ms)
        if phase == "stream":
            run.n_stream += 1
            run.first_stream_ms = timed.t_ms if run.first_stream_ms is None else run.first_stream_ms
        # Until the end event arrives, the latest event closes the span (a failed run has no end).
        if not run.ended:
            run.end_ms, run.end_idx, run.ended = timed.t_ms, index, phase == "end"
    return runs


def _parents_from_ids(runs: dict[str, _Run]) -> dict[str, str | None]:
    return {
        run_id: next((parent for parent in reversed(run.parent_ids) if parent in runs), None)
        for run_id, run in runs.items()
    }


def _parents_from_containment(runs: dict[str, _Run]) -> dict[str, str | None]:
    # Event positions, not milliseconds: a prompt can start and end within the same millisecond.
    parents: dict[str, str | None] = {}
    for run_id, run in runs.items():
        containers = [
            other for other in runs.values()
            if other.start_idx < run.start_idx and other.end_idx > run.end_idx
        ]  # fmt: skip
        innermost = max(containers, key=lambda other: other.start_idx, default=None)
        parents[run_id] = innermost.run_id if innermost else None
    return parents


def _tree_order(runs: dict[str, _Run], parents: dict[str, str | None]) -> list[tuple[str, int]]:
    children: dict[str | None, list[str]] = {}
    for run_id in sorted(runs, key=lambda rid: runs[rid].start_idx):
        children.setdefault(parents[run_id], []).append(run_id)
    ordered: list[tuple[str, int]] = []
    stack = [(run_id, 0) for run_id in reversed(children.get(None, []))]
    while stack:
        run_id, depth = stack.pop()
        ordered.append((run_id, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(run_id, [])))
    return ordered


def _span_row(run: _Run, parent_run_id: str | None, depth: int) -> dict[str, Any]:
    return {
        "run_id": run.run_id,
        "parent_run_id": parent_run_id,
        "name": run.name,
        "run_type": run.run_type,
        "start_ms": run.start_ms,
        "end_ms": run.end_ms,
        "depth": depth,
        "n_stream_events": run.n_stream,
        "first_stream_ms": run.first_stream_ms,
    }
