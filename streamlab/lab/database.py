"""The history file itself: where it lives, its schema and migrations, and what to do when it
is not usable.

A connection per operation keeps it safe to use from Streamlit reruns and the runner's
threads. Every SQLite failure becomes a `StoreError` whose message says what to do, so a
damaged file never takes the page down with it; only a file that is a lab history is ever
called damaged, and so offered to be moved aside.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import fields
from datetime import datetime
from pathlib import Path

import platformdirs

from streamlab.lab.results import TrialResult

__all__ = [
    "APP_NAME",
    "ENV_VAR",
    "SCHEMA_VERSION",
    "TRIAL_FIELDS",
    "StoreError",
    "connect",
    "default_db_path",
    "is_lab_history",
    "prepare",
    "quarantine",
]

APP_NAME = "streaming-runnables-lab"
ENV_VAR = "STREAMLAB_DB"
SCHEMA_VERSION = 2  # 2: experiments.owner, the process that is running it (killed runs)
TRIAL_FIELDS = [f.name for f in fields(TrialResult) if f.name != "points"]
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS experiments (
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, created_at TEXT NOT NULL,
    status TEXT NOT NULL, wall_ms REAL NOT NULL, config_json TEXT NOT NULL, owner TEXT);
CREATE TABLE IF NOT EXISTS trials (
    experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL, {", ".join(TRIAL_FIELDS)}, PRIMARY KEY (experiment_id, seq));
CREATE TABLE IF NOT EXISTS chunks (
    experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL, idx INTEGER NOT NULL, t_ms REAL NOT NULL, branch TEXT, text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_by_trial ON chunks (experiment_id, seq);
"""
_MIGRATIONS = {1: "ALTER TABLE experiments ADD COLUMN owner TEXT"}  # from version → to version + 1
APPLICATION_ID = 0x534C4142  # "SLAB", in the file header: readable even when the rest is damaged
_HEADER = b"SQLite format 3\x00"
_V1_TABLES = (b"CREATE TABLE meta (", b"CREATE TABLE experiments (")  # written before the id


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


def is_lab_history(path: str | Path) -> bool:
    """Whether the file at `path` is (or was, if damaged) an experiment history of this lab:
    an SQLite file carrying the lab's application id, or the lab's tables for a file written
    before the id existed."""
    try:
        with open(path, "rb") as file:
            head = file.read(64 * 1024)
    except OSError:
        return False
    if not head.startswith(_HEADER) or len(head) < 100:
        return False
    if int.from_bytes(head[68:72], "big") == APPLICATION_ID:
        return True
    return all(table in head for table in _V1_TABLES)


def _not_ours(path: Path) -> str:
    return (
        f"{path} is not an experiment history of this lab, so the lab will not rename or "
        "replace it. Choose another path (a new file name is fine)."
    )


def quarantine(path: str | Path) -> Path:
    """Move a damaged history file aside (kept for inspection) so a fresh one can start.

    Only ever a lab history: any other file raises StoreError and stays as it is."""
    path = Path(path)
    if not is_lab_history(path):
        raise StoreError(_not_ours(path))
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    path.rename(target)
    return target


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    """One transaction on the file at `path`: committed on success, rolled back on error."""
    try:
        with closing(sqlite3.connect(path, timeout=5)) as conn:
            conn.execute("PRAGMA foreign_keys = ON")
            with conn:
                yield conn
    except sqlite3.OperationalError as exc:  # locked, read-only, cannot open: the file may be fine
        raise StoreError(
            f"Cannot use the experiment history {path}: {exc}. Check the path "
            "and its permissions, or choose another path."
        ) from exc
    except (sqlite3.IntegrityError, sqlite3.DataError, sqlite3.ProgrammingError) as exc:
        # The file is fine: this one write was refused (a constraint, a value SQLite cannot keep).
        raise StoreError(f"The history {path} refused this save: {exc}.") from exc
    except OverflowError as exc:  # an int over 64 bits, caught by the sqlite3 module
        raise StoreError(f"The history {path} refused this save: {exc}.") from exc
    except sqlite3.DatabaseError as exc:
        if not is_lab_history(path):
            raise StoreError(f"{_not_ours(path)} ({exc})") from exc
        raise StoreError(
            f"The experiment history {path} is damaged ({exc}). Start a fresh file "
            "(the damaged one is kept, renamed), or choose another path.",
            damaged=True,
        ) from exc
    except sqlite3.Error as exc:
        raise StoreError(f"Cannot use the experiment history {path}: {exc}.") from exc


def prepare(path: Path) -> None:
    """Check the file, create the schema in a new one, bring an older one up to date."""
    with connect(path) as conn:
        if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise sqlite3.DatabaseError("integrity check failed")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if tables and "meta" not in tables:
            raise StoreError(
                f"{path} is an SQLite file of another program, not an experiment "
                "history. Choose another path."
            )
        row = (
            conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            if tables
            else None
        )
        version = int(row[0]) if row is not None else SCHEMA_VERSION
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{path} was written by a newer version of the lab (schema "
                f"{version}, this one reads {SCHEMA_VERSION}). Choose another path."
            )
        for step in range(version, SCHEMA_VERSION):
            conn.execute(_MIGRATIONS[step])
        conn.executescript(_SCHEMA)
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
