"""The class board's store under both of its databases: every store test runs against SQLite
(one machine) and against a real PostgreSQL (replicas), started once per test session."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from streamlab.lab.board import BoardStore
from tests.support.postgres import PostgresMissing, postgres_server


@pytest.fixture(scope="session")
def postgres_url():
    """A PostgreSQL server on loopback for this session; missing binaries fail, never skip."""
    try:
        with postgres_server() as url:
            yield url
    except PostgresMissing as exc:
        pytest.fail(str(exc))


@pytest.fixture(params=["sqlite", "postgresql"])
def board_url(request, tmp_path):
    """A URL for an empty board in each database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'board.sqlite3'}"
    url = request.getfixturevalue("postgres_url")
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:  # the server lives for the session: each test starts empty
        conn.execute(sa.text("DROP TABLE IF EXISTS board_results"))
    engine.dispose()
    return url


@pytest.fixture
def board(board_url):
    store = BoardStore(board_url)
    yield store
    store.close()
