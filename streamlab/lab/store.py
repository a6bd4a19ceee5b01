"""Experiment history in one local SQLite file: save, list, load, delete.

A connection per operation keeps the store safe to use from Streamlit reruns and threads.
The schema carries a version number, and every SQLite failure becomes a `StoreError` whose
message says what to do, so a damaged file never takes the page down with it.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import fields
from datetime import datetime
from pathlib import Path

import pandas as pd
import platformdirs

from streamlab.lab.experiments import ConfigError, ExperimentConfig
from streamlab.lab.results import ChunkPoint, Experiment, TrialResult

__all__ = [
    "APP_NAME",
    "ENV_VAR",
    "SCHEMA_VERSION",
    "ExperimentStore",
    "StoreError",
    "default_db_path",
    "quarantine",
    "unstorable",
]

APP_NAME = "streaming-runnables-lab"
ENV_VAR = "STREAMLAB_DB"
SCHEMA_VERSION = 1
_TRIAL_FIELDS = [f.name for f in fields(TrialResult) if f.name != "points"]
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS experiments (
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, created_at TEXT NOT NULL,
    status TEXT NOT NULL, wall_ms REAL NOT NULL, config_json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS trials (
    experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL, {", ".join(_TRIAL_FIELDS)}, PRIMARY KEY (experiment_id, seq));
CREATE TABLE IF NOT EXISTS chunks (
    experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL, idx INTEGER NOT NULL, t_ms REAL NOT NULL, branch TEXT, text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_by_trial ON chunks (experiment_id, seq);
"""
LIST_COLUMNS = ["id", "name", "created_at", "status", "chain", "configurations", "trials", "failed"]


class StoreError(Exception):
    """The history file cannot be used; the message is meant for the user."""

    def __init__(self, message: str, *, damaged: bool = False) -> None:
        super().__init__(message)
        self.damaged = damaged  # True: replacing the file (kept aside) is the way out


def default_db_path() -> Path:
    """$STREAMLAB_DB, else experiments.sqlite3 in the user's data dir (never inside the repo)."""
    override = os.environ.get(ENV_VAR, "").strip()
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME)) / "experiments.sqlite3"


def quarantine(path: str | Path) -> Path:
    """Move a damaged history file aside (kept for inspection) so a fresh one can start."""
    path = Path(path)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    path.rename(target)
    return target


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
        self._prepare()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            with closing(sqlite3.connect(self.path, timeout=5)) as conn:
                conn.execute("PRAGMA foreign_keys = ON")
                with conn:  # one transaction: commit on success, roll back on error
                    yield conn
        except sqlite3.OperationalError as exc:  # locked, read-only, cannot open: the file may be fine
            raise StoreError(
                f"Cannot use the experiment history {self.path}: {exc}. Check the path "
                "and its permissions, or choose another path."
            ) from exc
        except (sqlite3.IntegrityError, sqlite3.DataError, sqlite3.ProgrammingError) as exc:
            # The file is fine: this one write was refused (a constraint, a value SQLite cannot keep).
            raise StoreError(f"The history {self.path} refused this save: {exc}.") from exc
        except OverflowError as exc:  # an int over 64 bits, caught by the sqlite3 module
            raise StoreError(f"The history {self.path} refused this save: {exc}.") from exc
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"The experiment history {self.path} is damaged or not an experiment history "
                f"({exc}). Start a fresh file (the old one is kept), or choose another path.",
                damaged=True,
            ) from exc
        except sqlite3.Error as exc:
            raise StoreError(f"Cannot use the experiment history {self.path}: {exc}.") from exc

    def _prepare(self) -> None:
        with self._connect() as conn:
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("integrity check failed")
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if tables and "meta" not in tables:
                raise StoreError(
                    f"{self.path} is an SQLite file of another program, not an experiment "
                    "history. Choose another path."
                )
            conn.executescript(_SCHEMA)
            row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            if row is None:
                conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            elif int(row[0]) > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} was written by a newer version of the lab (schema "
                    f"{row[0]}, this one reads {SCHEMA_VERSION}). Choose another path."
                )

    def save(self, experiment: Experiment) -> int:
        """Insert the experiment with all its trials and chunks; sets and returns its id.

        Raises StoreError (the file is not called damaged) if a value cannot be kept as is."""
        if problem := unstorable(experiment):
            raise StoreError(f"Not saved: {problem}")
        config = json.dumps(experiment.config.to_dict(), ensure_ascii=False)
        with self._connect() as conn:
            cursor = conn.execute(
                "INSERT INTO experiments (name, created_at, status, wall_ms, config_json) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    experiment.config.name,
                    experiment.created_at,
                    experiment.status,
                    experiment.wall_ms,
                    config,
                ),
            )
            exp_id = int(cursor.lastrowid or 0)
            marks = ", ".join("?" * (len(_TRIAL_FIELDS) + 2))
            conn.executemany(
                f"INSERT INTO trials (experiment_id, seq, {', '.join(_TRIAL_FIELDS)}) VALUES ({marks})",
                [
                    (exp_id, seq, *(getattr(t, f) for f in _TRIAL_FIELDS))
                    for seq, t in enumerate(experiment.trials)
                ],
            )
            conn.executemany(
                "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (exp_id, seq, p.index, p.t_ms, p.branch, p.text)
                    for seq, t in enumerate(experiment.trials)
                    for p in t.points
                ],
            )
        experiment.id = exp_id
        return exp_id

    def list(self) -> pd.DataFrame:
        """One row per saved experiment, newest first (LIST_COLUMNS)."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT e.id, e.name, e.created_at, e.status, e.config_json, "
                "(SELECT COUNT(*) FROM trials t WHERE t.experiment_id = e.id), "
                "(SELECT COUNT(*) FROM trials t WHERE t.experiment_id = e.id AND t.status = 'failed') "
                "FROM experiments e ORDER BY e.id DESC"
            ).fetchall()
        out = []
        for exp_id, name, created, status, config_json, n, failed in rows:
            config = _loads(config_json)
            labels = ", ".join(str(v.get("label")) for v in config.get("variants", []))
            out.append([exp_id, name, created, status, config.get("chain", "?"), labels, n, failed])
        return pd.DataFrame(out, columns=LIST_COLUMNS)

    def load(self, exp_id: int) -> Experiment:
        with self._connect() as conn:
            head = conn.execute(
                "SELECT name, created_at, status, wall_ms, config_json FROM experiments WHERE id = ?",
                (exp_id,),
            ).fetchone()
            if head is None:
                raise StoreError(f"Experiment #{exp_id} is not in the history (deleted?).")
            trial_rows = conn.execute(
                f"SELECT seq, {', '.join(_TRIAL_FIELDS)} FROM trials WHERE experiment_id = ? "
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
                **dict(zip(_TRIAL_FIELDS, row[1:], strict=True)), points=tuple(points.get(row[0], ()))
            )
            for row in trial_rows
        ]
        return Experiment(config, trials, created, wall_ms, status, exp_id)

    def delete(self, exp_id: int) -> bool:
        """Remove an experiment with its trials and chunks; False if it did not exist."""
        with self._connect() as conn:
            return conn.execute("DELETE FROM experiments WHERE id = ?", (exp_id,)).rowcount > 0


def _loads(text: str) -> dict:
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


_INT64 = 2**63 - 1


def _value_problem(name: str, value: object) -> str | None:
    if isinstance(value, float) and not math.isfinite(value):
        return f"'{name}' must be a finite number; got {value!r}."
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > _INT64:
        return f"'{name}' must be a whole number of at most 64 bits; got {value.bit_length()} bits."
    return None


def unstorable(experiment: Experiment) -> str | None:
    """What SQLite could not keep as it is (NaN and infinity become NULL, big ints overflow)."""
    if problem := _value_problem("wall_ms", experiment.wall_ms):
        return problem
    for i, trial in enumerate(experiment.trials, start=1):
        for name in _TRIAL_FIELDS:
            if problem := _value_problem(name, getattr(trial, name)):
                return f"Trial {i}: {problem}"
        for point in trial.points:
            for name, value in (("index", point.index), ("t_ms", point.t_ms)):
                if problem := _value_problem(name, value):
                    return f"Trial {i}, a chunk: {problem}"
    return None
