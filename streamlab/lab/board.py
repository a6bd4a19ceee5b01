"""The class board's store: the results learners chose to share with their room.

One machine keeps them in an SQLite file next to the lab's history; an app run as several
replicas points them all at one PostgreSQL database instead; $STREAMLAB_BOARD_URL picks which
(board_database.py). SQLAlchemy Core writes the same statements for both.

As the lab's history (store.py), a connection is taken per operation (Streamlit reruns and
many sessions share one store) and every database failure becomes a `BoardError` whose message
says what to fix, with the URL's password hidden. A row holds only what the board shows: room,
nickname, lesson, time, provider kind, model name and numbers. No API key, base URL (it can
carry credentials) or prompt is ever a column, so none can leak from here.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from streamlab.lab.board_database import (
    ENV_VAR,
    BoardError,
    board_url,
    default_board_path,
    engine_for,
    first_line,
    shown,
)
from streamlab.lab.room import NICKNAME_MAX, ROOM_MAX, nickname_problem, room_problem

__all__ = [
    "ENV_VAR",
    "MODEL_MAX",
    "PROVIDER_KINDS",
    "RESULTS",
    "SHARED_LESSONS",
    "BoardError",
    "BoardResult",
    "BoardStore",
    "ModelSummary",
    "RoomSummary",
    "board_url",
    "default_board_path",
]

SHARED_LESSONS = {
    "why_streaming": "Why streaming matters",
    "streaming_vs_not": "Streaming vs non-streaming",
    "latency_lab": "Latency lab",
}
"""The runs a learner may share (lesson id → title)."""
PROVIDER_KINDS = ("embedded", "openai", "compatible")
MODEL_MAX = 100
_NUMBERS = ("ttft_stream_ms", "ttft_invoke_ms", "total_stream_ms", "total_invoke_ms", "tokens_per_s")

_METADATA = sa.MetaData()
RESULTS = sa.Table(
    "board_results",
    _METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("room", sa.String(ROOM_MAX), nullable=False),
    sa.Column("nickname", sa.String(NICKNAME_MAX), nullable=False),
    sa.Column("lesson", sa.String(32), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),  # seconds since the epoch: no time zones
    sa.Column("provider_kind", sa.String(16), nullable=False),
    sa.Column("model", sa.String(MODEL_MAX), nullable=False),
    *(sa.Column(name, sa.Float) for name in _NUMBERS),
    sa.Column("sooner", sa.Float),  # kept, not only derived: the aggregates average it in SQL
    sa.Index("board_results_by_room", "room", "created_at"),
)


@dataclass(frozen=True, slots=True)
class BoardResult:
    """One shared run, as the board shows it."""

    room: str
    nickname: str
    lesson: str
    """A SHARED_LESSONS id."""
    provider_kind: str
    """embedded, openai or compatible (never the URL behind it)."""
    model: str
    ttft_stream_ms: float | None
    """Time to the first text, streamed (a median for repeated trials)."""
    ttft_invoke_ms: float | None = None
    """Time to the first text without streaming: the whole answer (None if not measured)."""
    total_stream_ms: float | None = None
    total_invoke_ms: float | None = None
    tokens_per_s: float | None = None
    """Output speed of the streamed answer, after its first token."""
    created_at: float = 0.0
    """Seconds since the epoch; 0: set by `BoardStore.add`."""
    id: int | None = None
    """Set by the store."""

    @property
    def sooner(self) -> float | None:
        """How many times sooner the streamed first text came: TTFT not streamed / streamed."""
        if self.ttft_stream_ms and self.ttft_invoke_ms:
            return self.ttft_invoke_ms / self.ttft_stream_ms
        return None

    def problems(self) -> list[str]:
        """What keeps it off the board (each a sentence saying what to fix); [] when fine."""
        out = [f"Room: {p}." for p in [room_problem(self.room)] if p]
        out += [f"Nickname: {p}." for p in [nickname_problem(self.nickname)] if p]
        if self.lesson not in SHARED_LESSONS:
            out.append(f"Only these runs can be shared: {', '.join(SHARED_LESSONS)}.")
        if self.provider_kind not in PROVIDER_KINDS:
            out.append(f"The provider kind must be one of {', '.join(PROVIDER_KINDS)}.")
        if not self.model.strip() or len(self.model) > MODEL_MAX:
            out.append(f"The model name must be 1 to {MODEL_MAX} characters.")
        if self.ttft_stream_ms is None:
            out.append("The run measured no first text, so there is nothing to share.")
        for name in _NUMBERS:
            value = getattr(self, name)
            if value is not None and not (math.isfinite(value) and value >= 0):
                out.append(f"'{name}' must be a finite number of 0 or more; got {value!r}.")
        return out


@dataclass(frozen=True, slots=True)
class ModelSummary:
    """A room's results for one provider kind and model: counts and means."""

    provider_kind: str
    model: str
    results: int
    ttft_stream_ms: float | None
    ttft_invoke_ms: float | None
    sooner: float | None
    """Mean "N× sooner" over the results that measured both TTFTs."""
    sooner_min: float | None
    sooner_max: float | None
    tokens_per_s: float | None


@dataclass(frozen=True, slots=True)
class RoomSummary:
    room: str
    results: int
    last_at: float
    """Seconds since the epoch of its newest result."""


class BoardStore:
    """Shared results in the database at `url` (see `board_url`); its tables are made if missing."""

    def __init__(self, url: str | None = None) -> None:
        self.url = board_url(url)
        self.engine = engine_for(self.url)
        try:
            self._create()
        except BoardError:
            self.engine.dispose()
            raise

    @property
    def where(self) -> str:
        """The database, for messages: its URL with the password hidden."""
        return shown(self.url)

    @property
    def kind(self) -> str:
        """sqlite or postgresql."""
        return self.url.get_backend_name()

    def _create(self) -> None:
        for attempt in range(2):
            try:
                with self._begin() as conn:
                    _METADATA.create_all(conn)
                return
            except BoardError:
                # Two replicas starting together may both see no table and both create it: the
                # loser's CREATE fails, and a second look finds the winner's table.
                if attempt:
                    raise

    @contextmanager
    def _begin(self) -> Iterator[Connection]:
        """One transaction: committed on success, rolled back on error."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except sa.exc.OperationalError as exc:  # cannot connect, locked, read-only
            raise BoardError(
                f"Cannot use the class board's database {self.where}: {first_line(exc)}. Check "
                f"that it is running and reachable, or set {ENV_VAR} to another database."
            ) from exc
        except sa.exc.SQLAlchemyError as exc:
            refused = first_line(exc)
            raise BoardError(f"The class board's database {self.where} refused: {refused}.") from exc

    def add(self, result: BoardResult) -> int:
        """Put `result` on its room's board; returns its id. Raises BoardError if it has problems."""
        if problems := result.problems():
            raise BoardError("Not shared: " + " ".join(problems))
        values = {
            "room": result.room,
            "nickname": result.nickname,
            "lesson": result.lesson,
            "created_at": result.created_at or time.time(),
            "provider_kind": result.provider_kind,
            "model": result.model,
            **{name: getattr(result, name) for name in _NUMBERS},
            "sooner": result.sooner,
        }
        with self._begin() as conn:
            inserted = conn.execute(sa.insert(RESULTS).values(**values).returning(RESULTS.c.id))
            return int(inserted.scalar_one())

    def results(self, room: str, *, limit: int = 1000) -> list[BoardResult]:
        """The room's results, newest first (at most `limit`)."""
        query = (
            sa.select(RESULTS)
            .where(RESULTS.c.room == room)
            .order_by(RESULTS.c.created_at.desc(), RESULTS.c.id.desc())
            .limit(limit)
        )
        with self._begin() as conn:
            rows = conn.execute(query).mappings().all()
        return [BoardResult(**{k: v for k, v in row.items() if k != "sooner"}) for row in rows]

    def by_model(self, room: str) -> list[ModelSummary]:
        """One summary per provider kind and model in the room, most results first."""
        c = RESULTS.c
        query = (
            sa.select(
                c.provider_kind,
                c.model,
                sa.func.count(),
                sa.func.avg(c.ttft_stream_ms),
                sa.func.avg(c.ttft_invoke_ms),
                sa.func.avg(c.sooner),
                sa.func.min(c.sooner),
                sa.func.max(c.sooner),
                sa.func.avg(c.tokens_per_s),
            )
            .where(c.room == room)
            .group_by(c.provider_kind, c.model)
            .order_by(sa.func.count().desc(), c.provider_kind, c.model)
        )
        with self._begin() as conn:
            rows = conn.execute(query).all()
        return [ModelSummary(kind, model, int(n), *map(_float, rest)) for kind, model, n, *rest in rows]

    def rooms(self) -> list[RoomSummary]:
        """Every room with results, most recently used first."""
        c = RESULTS.c
        last = sa.func.max(c.created_at)
        query = sa.select(c.room, sa.func.count(), last).group_by(c.room).order_by(last.desc())
        with self._begin() as conn:
            rows = conn.execute(query).all()
        return [RoomSummary(room, int(n), float(at)) for room, n, at in rows]

    def clear_room(self, room: str) -> int:
        """Remove every result of `room`; returns how many there were."""
        with self._begin() as conn:
            return conn.execute(sa.delete(RESULTS).where(RESULTS.c.room == room)).rowcount

    def clear_idle(self, before: float) -> int:
        """Remove the rooms whose newest result is older than `before` (epoch seconds)."""
        c = RESULTS.c
        idle = sa.select(c.room).group_by(c.room).having(sa.func.max(c.created_at) < before)
        with self._begin() as conn:
            return conn.execute(sa.delete(RESULTS).where(c.room.in_(idle))).rowcount

    def close(self) -> None:
        """Close the pooled connections (a store is kept for the process's life otherwise)."""
        self.engine.dispose()


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]
