"""Experiments as files: CSV (one row per trial, one per chunk) and JSON (config + results).

JSON import is the trust boundary: a file from a colleague may be truncated, hand-edited or
not an export at all, so every field is checked and problems are reported in plain words.
Exports hold the provider as kind/base_url/model only; no API key exists to leak.
"""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any

from streamlab.lab.experiments import ConfigError, ExperimentConfig
from streamlab.lab.results import ChunkPoint, Experiment, TrialResult, chunks_frame, trials_frame

__all__ = ["FORMAT", "VERSION", "ImportProblem", "chunks_csv", "from_json", "to_json", "trials_csv"]

FORMAT = "streaming-runnables-lab/experiment"
VERSION = 1
_TRIAL_FIELDS = {f.name: str(f.type) for f in fields(TrialResult) if f.name != "points"}
_STATUSES = ("ok", "failed", "stopped")


class ImportProblem(ValueError):
    """Why a file cannot be imported, in words meant for the user."""


def trials_csv(experiment: Experiment) -> str:
    return trials_frame(experiment.trials, experiment.labels).to_csv(index=False)


def chunks_csv(experiment: Experiment) -> str:
    return chunks_frame(experiment.trials).to_csv(index=False)


def to_json(experiment: Experiment) -> str:
    trials = []
    for t in experiment.trials:
        row: dict[str, Any] = {name: getattr(t, name) for name in _TRIAL_FIELDS}
        row["points"] = [[p.index, p.t_ms, p.branch, p.text] for p in t.points]  # the chunks themselves
        trials.append(row)
    document = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": experiment.created_at,
        "status": experiment.status,
        "wall_ms": experiment.wall_ms,
        "config": experiment.config.to_dict(),
        "trials": trials,
    }
    return json.dumps(document, ensure_ascii=False, allow_nan=False, indent=1)


def from_json(data: str | bytes) -> Experiment:
    """Parse an export; raises ImportProblem saying what is wrong and where."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        document = json.loads(text)
    except UnicodeDecodeError as exc:
        raise ImportProblem("The file is not UTF-8 text, so it cannot be a JSON export.") from exc
    except json.JSONDecodeError as exc:
        raise ImportProblem(
            f"The file is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
        ) from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportProblem(f'This JSON is not a latency-lab export (expected "format": "{FORMAT}").')
    if document.get("version") != VERSION:
        raise ImportProblem(
            f"Unsupported export version {document.get('version')!r}; this lab reads version {VERSION}."
        )
    try:
        config = ExperimentConfig.from_dict(document.get("config"))  # type: ignore[arg-type]
    except ConfigError as exc:
        raise ImportProblem(f"The experiment config is invalid: {exc}") from exc
    raw_trials = document.get("trials")
    if not isinstance(raw_trials, list):
        raise ImportProblem("The export needs a list 'trials'.")
    labels = {v.label for v in config.variants}
    trials = [_trial(raw, i, labels) for i, raw in enumerate(raw_trials)]
    status = document.get("status", "complete")
    if status not in ("complete", "stopped"):
        raise ImportProblem(f"'status' must be complete or stopped; got {status!r}.")
    wall_ms = document.get("wall_ms", 0.0)
    if not _is_number(wall_ms):
        raise ImportProblem(f"'wall_ms' must be a number; got {wall_ms!r}.")
    return Experiment(config, trials, str(document.get("created_at", "")), float(wall_ms), status)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check(value: object, annotation: str, where: str) -> object:
    optional = annotation.endswith("| None")
    base = annotation.removesuffix(" | None")
    if value is None and optional:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if base == "float":
            return float(value)
        if base == "int" and float(value).is_integer():
            return int(value)
    elif base in ("str", "Status") and isinstance(value, str):
        return value
    kind = {"float": "a number", "int": "a whole number"}.get(base, "text")
    raise ImportProblem(f"{where} must be {kind}{' or null' if optional else ''}; got {value!r}.")


def _trial(raw: object, i: int, labels: set[str]) -> TrialResult:
    where = f"Trial {i + 1}"
    if not isinstance(raw, dict):
        raise ImportProblem(f"{where} must be a JSON object.")
    missing = [name for name in _TRIAL_FIELDS if name not in raw and name not in ("error_type", "error")]
    if missing:
        raise ImportProblem(f"{where} is missing {', '.join(repr(m) for m in missing)}.")
    values = {
        name: _check(raw.get(name), kind, f"{where}: '{name}'") for name, kind in _TRIAL_FIELDS.items()
    }
    if values["status"] not in _STATUSES:
        raise ImportProblem(f"{where}: 'status' must be one of {', '.join(_STATUSES)}.")
    if values["variant"] not in labels:
        raise ImportProblem(f"{where}: variant {values['variant']!r} is not one of the configurations.")
    return TrialResult(**values, points=tuple(_points(raw.get("points", []), where)))  # type: ignore[arg-type]


def _points(raw: object, where: str) -> list[ChunkPoint]:
    if not isinstance(raw, list):
        raise ImportProblem(f"{where}: 'points' must be a list of [index, t_ms, branch, text].")
    points = []
    for j, item in enumerate(raw):
        ok = (
            isinstance(item, list)
            and len(item) == 4
            and _is_number(item[0])
            and _is_number(item[1])
            and (item[2] is None or isinstance(item[2], str))
            and isinstance(item[3], str)
        )
        if not ok:
            raise ImportProblem(f"{where}, chunk {j + 1}: expected [index, t_ms, branch or null, text].")
        points.append(ChunkPoint(int(item[0]), float(item[1]), item[2], item[3]))
    return points
