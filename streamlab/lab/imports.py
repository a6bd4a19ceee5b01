"""Reading an experiment back from a JSON export: the lab's trust boundary for files.

A file from a colleague may be truncated, hand-edited, hostile or not an export at all. It is
refused by its size before it is read, parsed with limits (nesting depth, digits per number),
and every field is checked against what the lab itself produces, so whatever passes can be
saved, shown and exported again. Each refusal names the trial, the field and the limit.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from streamlab.lab.experiments import MAX_PROMPTS, ConfigError, ExperimentConfig
from streamlab.lab.files import FORMAT, VERSION
from streamlab.lab.results import ChunkPoint, Experiment, TrialResult

__all__ = ["MAX_BYTES", "ImportProblem", "from_json", "size_problem"]

MAX_BYTES = 10_000_000
MAX_DEPTH = 8  # an export is 5 deep: document → trials → trial → points → point
MAX_DIGITS = 15  # far beyond any count or time the lab records
MAX_CHUNKS = 20_000  # per trial
MAX_COUNT = 1_000_000  # chunks, content chunks, output tokens, a chunk's index
TEXT_MAX = {"variant": 200, "tokens_source": 20, "error_type": 200, "error": 2000}
CHUNK_TEXT_MAX = 10_000
BRANCH_MAX = 200
_TRIAL_FIELDS = {f.name: str(f.type) for f in fields(TrialResult) if f.name != "points"}
_STATUSES = ("ok", "failed", "stopped")
_EXPERIMENT_STATUSES = ("complete", "stopped", "interrupted")
_TOO_DEEP = f"The file is nested too deeply (more than {MAX_DEPTH} levels); a lab export has 5."


class ImportProblem(ValueError):
    """Why a file cannot be imported, in words meant for the user."""


@dataclass(frozen=True, slots=True)
class _BigInt:
    """An integer literal too long to be anything the lab wrote (never converted: Python refuses
    to convert more than 4,300 digits, and SQLite stores at most 64 bits)."""

    digits: int

    def __repr__(self) -> str:
        return f"a number with {self.digits} digits"


def _parse_int(text: str) -> int | _BigInt:
    digits = len(text.lstrip("-"))
    return int(text) if digits <= MAX_DIGITS else _BigInt(digits)


def size_problem(size: int) -> str | None:
    """Why a file of `size` bytes is refused unread, or None."""
    if size <= MAX_BYTES:
        return None
    return f"The file is {size / 1e6:.1f} MB; the lab imports files up to {MAX_BYTES / 1e6:g} MB."


def _too_deep(document: object) -> bool:
    level: list[tuple[object, int]] = [(document, 1)]
    while level:
        value, depth = level.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                return True
            children = value.values() if isinstance(value, dict) else value
            level.extend((child, depth + 1) for child in children)
    return False


def _parse(data: str | bytes) -> Any:
    if problem := size_problem(len(data)):
        raise ImportProblem(problem)
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        document = json.loads(text, parse_int=_parse_int)
    except UnicodeDecodeError as exc:
        raise ImportProblem("The file is not UTF-8 text, so it cannot be a JSON export.") from exc
    except json.JSONDecodeError as exc:
        raise ImportProblem(
            f"The file is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
        ) from exc
    except RecursionError:  # deeper than Python's own limit
        raise ImportProblem(_TOO_DEEP) from None
    if _too_deep(document):
        raise ImportProblem(_TOO_DEEP)
    return document


def from_json(data: str | bytes) -> Experiment:
    """Parse an export; raises ImportProblem saying what is wrong and where."""
    document = _parse(data)
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
    planned = config.trials * len(config.variants)
    if len(raw_trials) > planned:
        raise ImportProblem(
            f"The file has {len(raw_trials)} trials; its config plans {planned} "
            f"({config.trials} trials × {len(config.variants)} configurations)."
        )
    trials = [_trial(raw, i, config) for i, raw in enumerate(raw_trials)]
    status = document.get("status", "complete")
    if status not in _EXPERIMENT_STATUSES:
        raise ImportProblem(
            f"'status' must be one of {', '.join(_EXPERIMENT_STATUSES)}; got {status!r}."
        )
    wall_ms = _number(document.get("wall_ms", 0.0), "'wall_ms'", optional=False, low=0.0)
    return Experiment(config, trials, _created_at(document.get("created_at", "")), wall_ms, status)


def _created_at(value: object) -> str:
    wanted = "'created_at' must be a date and time (ISO 8601)"
    if not isinstance(value, str):
        raise ImportProblem(f"{wanted}; got {value!r}.")
    if len(value) > 40:
        raise ImportProblem(f"{wanted}; got a text of {len(value)} characters.")
    try:
        if value:
            datetime.fromisoformat(value)
    except ValueError:
        raise ImportProblem(f"{wanted}; got {value!r}.") from None
    return value


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(value: object, where: str, *, optional: bool, low: float | None = None) -> Any:
    if value is None and optional:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)  # an int here has at most MAX_DIGITS digits
        if math.isfinite(number) and (low is None or number >= low):
            return number
    bound = "" if low is None else f" from {low:g}"
    null = " or null" if optional else ""
    raise ImportProblem(f"{where} must be a finite number{bound}{null}; got {value!r}.")


def _whole(value: object, where: str, low: int, high: int) -> int:
    if isinstance(value, _BigInt):
        raise ImportProblem(f"{where} is {value!r}; at most {MAX_DIGITS} are allowed.")
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and float(value).is_integer()
        and low <= value <= high
    ):
        return int(value)
    raise ImportProblem(f"{where} must be a whole number from {low} to {high}; got {value!r}.")


def _text(value: object, where: str, limit: int, *, optional: bool) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise ImportProblem(f"{where} must be text{' or null' if optional else ''}; got {value!r}.")
    if len(value) > limit:
        raise ImportProblem(f"{where} has {len(value)} characters; at most {limit} are allowed.")
    return value


def _trial(raw: object, i: int, config: ExperimentConfig) -> TrialResult:
    where = f"Trial {i + 1}"
    if not isinstance(raw, dict):
        raise ImportProblem(f"{where} must be a JSON object.")
    missing = [name for name in _TRIAL_FIELDS if name not in raw and name not in ("error_type", "error")]
    if missing:
        raise ImportProblem(f"{where} is missing {', '.join(repr(m) for m in missing)}.")
    whole = {
        "trial": config.trials - 1,
        "prompt_index": MAX_PROMPTS - 1,  # a label for the CSV, never used to pick a prompt
        "chunks": MAX_COUNT,
        "content_chunks": MAX_COUNT,
        "output_tokens": MAX_COUNT,
    }
    values: dict[str, Any] = {}
    for name, annotation in _TRIAL_FIELDS.items():
        value, at = raw.get(name), f"{where}: '{name}'"
        if name in whole:
            values[name] = _whole(value, at, 0, whole[name])
        elif annotation.startswith("float"):
            values[name] = _number(value, at, optional=annotation.endswith("| None"))
        else:
            values[name] = _text(
                value, at, TEXT_MAX.get(name, 200), optional=annotation.endswith("| None")
            )
    if values["status"] not in _STATUSES:
        raise ImportProblem(f"{where}: 'status' must be one of {', '.join(_STATUSES)}.")
    if values["variant"] not in {v.label for v in config.variants}:
        raise ImportProblem(f"{where}: variant {values['variant']!r} is not one of the configurations.")
    return TrialResult(**values, points=_points(raw.get("points", []), where))


def _points(raw: object, where: str) -> tuple[ChunkPoint, ...]:
    if not isinstance(raw, list):
        raise ImportProblem(f"{where}: 'points' must be a list of [index, t_ms, branch, text].")
    if len(raw) > MAX_CHUNKS:
        raise ImportProblem(f"{where} has {len(raw)} chunks; at most {MAX_CHUNKS} are allowed.")
    points = []
    for j, item in enumerate(raw):
        at = f"{where}, chunk {j + 1}"
        if not (isinstance(item, list) and len(item) == 4):
            raise ImportProblem(f"{at}: expected [index, t_ms, branch or null, text].")
        index, t_ms, branch, text = item
        if not (_is_number(index) and _is_number(t_ms) and isinstance(text, str)):
            raise ImportProblem(f"{at}: expected [index, t_ms, branch or null, text].")
        if not (branch is None or isinstance(branch, str)):
            raise ImportProblem(f"{at}: expected [index, t_ms, branch or null, text].")
        points.append(
            ChunkPoint(
                _whole(index, f"{at}: the index", 0, MAX_COUNT),
                _number(t_ms, f"{at}: the time", optional=False),
                _text(branch, f"{at}: the branch", BRANCH_MAX, optional=True),
                _text(text, f"{at}: the text", CHUNK_TEXT_MAX, optional=False) or "",
            )
        )
    return tuple(points)
