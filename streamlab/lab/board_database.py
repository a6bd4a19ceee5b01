"""Where the class board lives: its database URL ($STREAMLAB_BOARD_URL, else an SQLite file
beside the lab's history), the engine for it, and the error every failure becomes.

SQLite serves one machine; several app replicas share one PostgreSQL (psycopg 3). The URL can
carry a password: it is never repeated in a message, and shown only with the password hidden.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine

from streamlab.lab.database import default_db_path

__all__ = [
    "ENV_VAR",
    "BoardError",
    "board_url",
    "default_board_path",
    "engine_for",
    "first_line",
    "shown",
]

ENV_VAR = "STREAMLAB_BOARD_URL"
_URL_HELP = "use sqlite:///path/to/board.sqlite3 or postgresql://user:password@host:5432/dbname"


class BoardError(Exception):
    """The board's database cannot be used; the message is meant for the user."""


def default_board_path() -> Path:
    """class_board.sqlite3 beside the lab's history (so $STREAMLAB_DB's folder moves both)."""
    return default_db_path().parent / "class_board.sqlite3"


def board_url(text: str | None = None) -> URL:
    """The database URL: `text`, else $STREAMLAB_BOARD_URL, else the default SQLite file.

    `postgresql://` and `postgres://` mean psycopg 3; anything but SQLite or PostgreSQL, or
    SQLite without a file, is a BoardError that says what to write instead."""
    raw = (text if text is not None else os.environ.get(ENV_VAR, "")).strip()
    if not raw:
        return URL.create("sqlite", database=str(default_board_path()))
    try:
        url = sa.make_url(raw)
    except sa.exc.ArgumentError:
        # The value may hold a password: it is never repeated, even in part.
        raise BoardError(f"{ENV_VAR} could not be read as a database URL: {_URL_HELP}.") from None
    backend = url.get_backend_name()
    if backend == "postgres":  # Heroku-style spelling, which SQLAlchemy does not take
        url, backend = url.set(drivername="postgresql"), "postgresql"
    if backend == "postgresql" and url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if backend not in ("sqlite", "postgresql"):
        raise BoardError(
            f"{ENV_VAR} names a {backend} database ({shown(url)}); the class board keeps its "
            f"results in SQLite or PostgreSQL only: {_URL_HELP}."
        )
    if backend == "sqlite" and url.database in (None, "", ":memory:"):
        raise BoardError(
            f"{ENV_VAR}={shown(url)} names no file (every connection would see its own empty "
            f"board): {_URL_HELP}."
        )
    return url


def shown(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def engine_for(url: URL) -> Engine:
    if url.get_backend_name() == "postgresql":
        # pre_ping: a replica's pooled connection may have been closed by the server meanwhile.
        return sa.create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})
    path = Path(url.database or "").expanduser()
    if path.is_dir():
        raise BoardError(f"{path} is a folder; give a file, e.g. sqlite:///{path / 'board.sqlite3'}.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BoardError(f"Cannot create the folder of the class board {path}: {exc.strerror}.") from exc
    engine = sa.create_engine(url.set(database=str(path)), connect_args={"timeout": 10})

    @sa.event.listens_for(engine, "connect")
    def _wal(dbapi_connection: Any, _record: object) -> None:
        # WAL: the board's readers (every few seconds, per open board) never block a writer.
        dbapi_connection.execute("PRAGMA journal_mode=WAL")

    return engine


def first_line(exc: sa.exc.SQLAlchemyError) -> str:
    # The driver's own message, without SQLAlchemy's statement and parameters dump.
    original = getattr(exc, "orig", None) or exc
    return (str(original).strip().splitlines() or [type(original).__name__])[0]
