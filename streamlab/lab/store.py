"""Experiment history: save, list, load, delete; and a run's trials saved as they finish.

A run writes its experiment row first (`begin`), each trial the moment it finishes
(`add_trial`), and its status at the end (`finish`): if the process is killed mid-run, the
trials finished by then are on disk. A row still "running" that no live run of this process
owns is shown as "interrupted" with what it had.
"""

from __future__ import annotations

import json
import math
import os
import socket
import sqlite3
import uuid
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from streamlab.lab.database import (
    APP_NAME,
    ENV_VAR,
    SCHEMA_VERSION,
    TRIAL_FIELDS,
    StoreError,
    connect,
    default_db_path,
    is_lab_history,
    prepare,
    quarantine,
)
from streamlab.lab.experiments import ConfigError, ExperimentConfig
from streamlab.lab.results import ChunkPoint, Experiment, TrialResult

__all__ = [
    "APP_NAME",
    "ENV_VAR",
    "LIST_COLUMNS",
    "OWNER",
    "SCHEMA_VERSION",
    "ExperimentStore",
    "StoreError",
    "default_db_path",
    "is_lab_history",
    "quarantine",
    "unstorable",
]

LIST_COLUMNS = [
    "id",
    "name",
    "created_at",
    "status",
    "chain",
    "configurations",
    "trials",
    "planned",
    "failed",
]
OWNER = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
"""This process, as the owner of the runs it is saving (a restarted app is another owner)."""
_INT64 = 2**63 - 1
_TRIAL_INSERT = (
    f"INSERT INTO trials (experiment_id, seq, {', '.join(TRIAL_FIELDS)}) "
    f"VALUES ({', '.join('?' * (len(TRIAL_FIELDS) + 2))})"
)


class ExperimentStore:
    """Experiments in the SQLite file at `path` (created with its folder if missing)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()
        if self.path.is_dir():
            raise StoreError(
                f"{self.path} is a folder; give a file path such as {self.path / 'experiments.sqlite3'}."
            )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"Cannot create the folder for {self.path}: {exc.strerror}.") from exc
        prepare(self.path)
        with connect(self.path) as conn:  # runs no live process of ours is saving: they ended
            conn.execute(
                "UPDATE experiments SET status = 'interrupted' "
                "WHERE status = 'running' AND (owner IS NULL OR owner != ?)",
                (OWNER,),
            )

    def save(self, experiment: Experiment) -> int:
        """Insert the experiment with all its trials and chunks; sets and returns its id.

        Raises StoreError (the file is not called damaged) if a value cannot be kept as is."""
        if problem := unstorable(experiment):
            raise StoreError(f"Not saved: {problem}")
        with connect(self.path) as conn:
            exp_id = _insert_experiment(conn, experiment, owner=None)
            _insert_trials(conn, exp_id, enumerate(experiment.trials))
        experiment.id = exp_id
        return exp_id

    def begin(self, experiment: Experiment) -> int:
        """Start saving a run: its row, "running" and owned by this process; sets and returns its id."""
        with connect(self.path) as conn:
            exp_id = _insert_experiment(conn, experiment, owner=OWNER, status="running")
        experiment.id = exp_id
        return exp_id

    def add_trial(self, exp_id: int, seq: int, trial: TrialResult) -> None:
        """Save one finished trial of a run (`seq`: its place in finishing order), in one commit."""
        if problem := _trial_problem(trial):
            raise StoreError(f"Trial {seq + 1} not saved: {problem}")
        with connect(self.path) as conn:
            _insert_trials(conn, exp_id, [(seq, trial)])

    def finish(self, exp_id: int, status: str, wall_ms: float) -> None:
        """A run ended (complete or stopped): its final status and wall time."""
        wall = wall_ms if math.isfinite(wall_ms) else 0.0
        with connect(self.path) as conn:
            conn.execute(
                "UPDATE experiments SET status = ?, wall_ms = ?, owner = NULL WHERE id = ?",
                (status, wall, exp_id),
            )

    def list(self) -> pd.DataFrame:
        """One row per saved experiment, newest first (LIST_COLUMNS)."""
        with connect(self.path) as conn:
            rows = conn.execute(
                "SELECT e.id, e.name, e.created_at, e.status, e.config_json, "
                "(SELECT COUNT(*) FROM trials t WHERE t.experiment_id = e.id), "
                "(SELECT COUNT(*) FROM trials t WHERE t.experiment_id = e.id AND t.status = 'failed') "
                "FROM experiments e ORDER BY e.id DESC"
            ).fetchall()
        out = []
        for exp_id, name, created, status, config_json, n, failed in rows:
            config = _loads(config_json)
            variants = config.get("variants", [])
            labels = ", ".join(str(v.get("label")) for v in variants if isinstance(v, dict))
            planned = _planned(config.get("trials"), variants)
            out.append(
                [exp_id, name, created, status, config.get("chain", "?"), labels, n, planned, failed]
            )
        return pd.DataFrame(out, columns=LIST_COLUMNS)

    def load(self, exp_id: int) -> Experiment:
        with connect(self.path) as conn:
            head = conn.execute(
                "SELECT name, created_at, status, wall_ms, config_json FROM experiments WHERE id = ?",
                (exp_id,),
            ).fetchone()
            if head is None:
                raise StoreError(f"Experiment #{exp_id} is not in the history (deleted?).")
            trial_rows = conn.execute(
                f"SELECT seq, {', '.join(TRIAL_FIELDS)} FROM trials WHERE experiment_id = ? "
                "ORDER BY seq",
                (exp_id,),
            ).fetchall()
            chunk_rows = conn.execute(
                "SELECT seq, idx, t_ms, branch, text FROM chunks WHERE experiment_id = ? "
                "ORDER BY seq, rowid",
                (exp_id,),
            ).fetchall()
        _, created, status, wall_ms, config_json = head
        try:
            config = ExperimentConfig.from_dict(_loads(config_json))
        except ConfigError as exc:
            raise StoreError(f"Experiment #{exp_id} has an unreadable configuration: {exc}") from exc
        points: dict[int, list[ChunkPoint]] = {}
        for seq, idx, t_ms, branch, text in chunk_rows:
            points.setdefault(seq, []).append(ChunkPoint(idx, t_ms, branch, text))
        trials = [
            TrialResult(
                **dict(zip(TRIAL_FIELDS, row[1:], strict=True)), points=tuple(points.get(row[0], ()))
            )
            for row in trial_rows
        ]
        return Experiment(config, trials, created, wall_ms, status, exp_id)

    def delete(self, exp_id: int) -> bool:
        """Remove an experiment with its trials and chunks; False if it did not exist."""
        with connect(self.path) as conn:
            return conn.execute("DELETE FROM experiments WHERE id = ?", (exp_id,)).rowcount > 0


def _insert_experiment(
    conn: sqlite3.Connection, experiment: Experiment, *, owner: str | None, status: str | None = None
) -> int:
    cursor = conn.execute(
        "INSERT INTO experiments (name, created_at, status, wall_ms, config_json, owner) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            experiment.config.name,
            experiment.created_at,
            status or experiment.status,
            experiment.wall_ms,
            json.dumps(experiment.config.to_dict(), ensure_ascii=False),
            owner,
        ),
    )
    return int(cursor.lastrowid or 0)


def _insert_trials(
    conn: sqlite3.Connection, exp_id: int, trials: Iterable[tuple[int, TrialResult]]
) -> None:
    numbered = list(trials)
    conn.executemany(
        _TRIAL_INSERT,
        [(exp_id, seq, *(getattr(t, f) for f in TRIAL_FIELDS)) for seq, t in numbered],
    )
    conn.executemany(
        "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?)",
        [(exp_id, seq, p.index, p.t_ms, p.branch, p.text) for seq, t in numbered for p in t.points],
    )


def _loads(text: str) -> dict:
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def _planned(trials: object, variants: object) -> int | None:
    if isinstance(trials, int) and isinstance(variants, list):
        return trials * len(variants)
    return None


def _value_problem(name: str, value: object) -> str | None:
    if isinstance(value, float) and not math.isfinite(value):
        return f"'{name}' must be a finite number; got {value!r}."
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > _INT64:
        return f"'{name}' must be a whole number of at most 64 bits; got {value.bit_length()} bits."
    return None


def _trial_problem(trial: TrialResult) -> str | None:
    for name in TRIAL_FIELDS:
        if problem := _value_problem(name, getattr(trial, name)):
            return problem
    for point in trial.points:
        for name, value in (("index", point.index), ("t_ms", point.t_ms)):
            if problem := _value_problem(name, value):
                return f"a chunk's {problem}"
    return None


def unstorable(experiment: Experiment) -> str | None:
    """What SQLite could not keep as it is (NaN and infinity become NULL, big ints overflow)."""
    if problem := _value_problem("wall_ms", experiment.wall_ms):
        return problem
    for i, trial in enumerate(experiment.trials, start=1):
        if problem := _trial_problem(trial):
            return f"Trial {i}: {problem}"
    return None
