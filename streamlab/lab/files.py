"""Experiments as files: CSV (one row per trial, one per chunk) and JSON (config + results).

Exports hold the provider as kind/base_url/model only; no API key exists to leak. Reading a
JSON export back is the trust boundary, and lives in imports.py.
"""

from __future__ import annotations

import json
import math
from dataclasses import fields
from typing import Any

from streamlab.lab.results import Experiment, TrialResult, chunks_frame, trials_frame

__all__ = ["FORMAT", "VERSION", "chunks_csv", "to_json", "trials_csv"]

FORMAT = "streaming-runnables-lab/experiment"
VERSION = 1
_TRIAL_FIELDS = {f.name: str(f.type) for f in fields(TrialResult) if f.name != "points"}


def trials_csv(experiment: Experiment) -> str:
    return trials_frame(experiment.trials, experiment.labels).to_csv(index=False)


def chunks_csv(experiment: Experiment) -> str:
    return chunks_frame(experiment.trials).to_csv(index=False)


def to_json(experiment: Experiment) -> str:
    trials = []
    for t in experiment.trials:
        row: dict[str, Any] = {name: _finite(getattr(t, name)) for name in _TRIAL_FIELDS}
        row["points"] = [[p.index, _finite(p.t_ms), p.branch, p.text] for p in t.points]  # the chunks
        trials.append(row)
    document = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": experiment.created_at,
        "status": experiment.status,
        "wall_ms": _finite(experiment.wall_ms),
        "config": experiment.config.to_dict(),
        "trials": trials,
    }
    return json.dumps(document, ensure_ascii=False, allow_nan=False, indent=1)


def _finite(value: Any) -> Any:
    # JSON has no NaN or infinity: an export must always be written, and read back.
    return None if isinstance(value, float) and not math.isfinite(value) else value
