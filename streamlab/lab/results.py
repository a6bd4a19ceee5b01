"""What an experiment produced: one record per trial, its chunks, and their tables.

Separate from the configuration (experiments.py) because the runner writes these, the store
and the exports read them, and the statistics and charts only ever see the tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Literal

import pandas as pd

from streamlab.lab.experiments import ExperimentConfig

__all__ = [
    "CHUNK_COLUMNS",
    "METRIC_FIELDS",
    "TRIAL_COLUMNS",
    "ChunkPoint",
    "Experiment",
    "ExperimentStatus",
    "Status",
    "TrialResult",
    "chunks_frame",
    "combined_frames",
    "trials_frame",
]

Status = Literal["ok", "failed", "stopped"]
ExperimentStatus = Literal["running", "complete", "stopped", "interrupted"]


@dataclass(frozen=True, slots=True)
class ChunkPoint:
    """One chunk of one trial, as the recorder stamped it."""

    index: int
    t_ms: float  # since the trial's request start
    branch: str | None
    text: str


@dataclass(frozen=True, slots=True)
class TrialResult:
    """One measured trial; failed and stopped trials keep their partial timings."""

    variant: str
    trial: int  # 0-based, per variant; trial i of every variant uses the same prompt and sim seed
    prompt_index: int
    status: Status
    started_ms: float  # since the experiment started (shows how trials overlapped)
    ended_ms: float
    ttft_ms: float | None
    total_ms: float | None
    output_speed_tps: float | None
    throughput_tps: float | None
    chunks: int
    content_chunks: int
    output_tokens: int
    tokens_source: str
    gap_p50_ms: float | None
    gap_p95_ms: float | None
    gap_max_ms: float | None
    error_type: str | None = None
    error: str | None = None  # plain-language message
    points: tuple[ChunkPoint, ...] = field(default=(), repr=False)


TRIAL_COLUMNS = [f.name for f in fields(TrialResult) if f.name != "points"]
CHUNK_COLUMNS = ["variant", "trial", "index", "t_ms", "branch", "text", "chars"]
METRIC_FIELDS = ("ttft_ms", "total_ms", "output_speed_tps", "throughput_tps", "gap_p50_ms", "gap_p95_ms")
_FLOAT_COLUMNS = (
    "ttft_ms",
    "total_ms",
    "output_speed_tps",
    "throughput_tps",
    "gap_p50_ms",
    "gap_p95_ms",
    "gap_max_ms",
    "started_ms",
    "ended_ms",
)
_INT_COLUMNS = ("trial", "prompt_index", "chunks", "content_chunks", "output_tokens")
_TEXT_COLUMNS = ("variant", "status", "tokens_source", "error_type", "error")


@dataclass(slots=True)
class Experiment:
    """A configuration plus the trials it produced (in finishing order).

    `interrupted`: the app stopped mid-run (closed, restarted, killed); the trials saved by
    then are all there is."""

    config: ExperimentConfig
    trials: list[TrialResult] = field(default_factory=list)
    created_at: str = ""  # ISO 8601, UTC
    wall_ms: float = 0.0
    status: ExperimentStatus = "running"
    id: int | None = None  # set by the store

    @property
    def planned(self) -> int:
        return self.config.trials * len(self.config.variants)

    @property
    def labels(self) -> list[str]:
        return [v.label for v in self.config.variants]


def trials_frame(trials: Sequence[TrialResult], order: Sequence[str] = ()) -> pd.DataFrame:
    """One row per trial (TRIAL_COLUMNS), sorted by variant, then trial.

    Variants follow `order` (pass the config's labels: the first is the baseline), then any
    others in order of appearance.
    """
    rows = [{c: getattr(t, c) for c in TRIAL_COLUMNS} for t in trials]
    frame = pd.DataFrame(rows, columns=TRIAL_COLUMNS)
    for column in _FLOAT_COLUMNS:
        frame[column] = frame[column].astype("float64")
    for column in _INT_COLUMNS:
        frame[column] = frame[column].astype("int64")
    for column in _TEXT_COLUMNS:
        frame[column] = frame[column].astype("object")
    rank = {v: i for i, v in enumerate(dict.fromkeys([*order, *frame["variant"]]))}
    frame = frame.assign(_o=frame["variant"].map(rank)).sort_values(["_o", "trial"], kind="stable")
    return frame.drop(columns="_o").reset_index(drop=True)


def chunks_frame(trials: Sequence[TrialResult]) -> pd.DataFrame:
    """One row per recorded chunk of every trial (CHUNK_COLUMNS)."""
    rows = [
        (t.variant, t.trial, p.index, p.t_ms, p.branch, p.text, len(p.text))
        for t in sorted(trials, key=lambda t: (t.variant, t.trial))
        for p in t.points
    ]
    frame = pd.DataFrame(rows, columns=CHUNK_COLUMNS)
    return frame.astype(
        {
            "trial": "int64",
            "index": "int64",
            "t_ms": "float64",
            "chars": "int64",
            "variant": "object",
            "branch": "object",
            "text": "object",
        }
    )


def combined_frames(named: Mapping[str, Experiment]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Trials and chunks of several experiments, each variant renamed "<name> · <variant>"."""
    trials: list[pd.DataFrame] = []
    chunks: list[pd.DataFrame] = []
    for name, experiment in named.items():
        for frame, out in (
            (trials_frame(experiment.trials, experiment.labels), trials),
            (chunks_frame(experiment.trials), chunks),
        ):
            out.append(frame.assign(variant=f"{name} · " + frame["variant"].astype(str)))
    return (
        pd.concat(trials, ignore_index=True) if trials else trials_frame([]),
        pd.concat(chunks, ignore_index=True) if chunks else chunks_frame([]),
    )
