"""Experiments as files: CSV (one row per trial, one per chunk) and JSON (config + results).

Exports hold the provider as kind/base_url/model only; no API key exists to leak. Names,
labels and chunk text may come from anyone, so CSV text cells are kept inert for spreadsheets.
Reading a JSON export back is the trust boundary, and lives in imports.py.
"""

from __future__ import annotations

import json
import math
from dataclasses import fields
from typing import Any

import pandas as pd

from streamlab.lab.results import Experiment, TrialResult, chunks_frame, trials_frame

__all__ = ["FORMAT", "VERSION", "chunks_csv", "to_json", "trials_csv"]

FORMAT = "streaming-runnables-lab/experiment"
VERSION = 1
_TRIAL_FIELDS = {f.name: str(f.type) for f in fields(TrialResult) if f.name != "points"}


# A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(…), @SUM…).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _inert(value: object) -> object:
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) else value


def _to_csv(frame: pd.DataFrame) -> str:
    # Text cells only: a number column keeps its negative numbers as numbers.
    # CRLF rows (RFC 4180) also quote a cell holding a lone CR, which would otherwise end a row.
    text = [c for c in frame.columns if frame[c].dtype == object]
    inert = frame.assign(**{c: frame[c].map(_inert) for c in text})
    return inert.to_csv(index=False, lineterminator="\r\n")


def trials_csv(experiment: Experiment) -> str:
    """One row per trial; text cells a spreadsheet would run as a formula start with `'`."""
    return _to_csv(trials_frame(experiment.trials, experiment.labels))


def chunks_csv(experiment: Experiment) -> str:
    """One row per chunk; text cells a spreadsheet would run as a formula start with `'`."""
    return _to_csv(chunks_frame(experiment.trials))


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
