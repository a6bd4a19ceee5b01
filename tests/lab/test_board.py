"""The class board's store: the same tests against SQLite and PostgreSQL (`board` fixture,
tests/lab/conftest.py), plus the URL rules of $STREAMLAB_BOARD_URL."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from streamlab.lab.board import (
    ENV_VAR,
    RESULTS,
    BoardError,
    BoardResult,
    BoardStore,
    ModelSummary,
    RoomSummary,
    board_url,
    default_board_path,
)
from tests.support import postgres
from tests.support.factories import board_result


def result(room="abc123", nickname="Brave Otter", **overrides) -> BoardResult:
    return board_result(room, nickname, **{"created_at": 1_000.0, **overrides})


def test_when_results_are_added_then_each_room_lists_only_its_own_newest_first(board):
    first = board.add(result(created_at=1_000.0))
    second = board.add(result(nickname="Quiet Owl", created_at=2_000.0, ttft_invoke_ms=None))
    board.add(result(room="other-room"))
    listed = board.results("abc123")
    assert listed == [
        result(nickname="Quiet Owl", created_at=2_000.0, ttft_invoke_ms=None, id=second),
        result(created_at=1_000.0, id=first),
    ]
    assert [r.sooner for r in listed] == [None, 6.0]
    assert board.results("nobody-here") == []


def test_when_added_without_a_time_then_the_store_stamps_it_now(board):
    board.add(result(created_at=0.0))
    assert board.results("abc123")[0].created_at > 1_700_000_000


def test_aggregates_per_provider_and_model_count_and_average_what_was_measured(board):
    board.add(result(ttft_stream_ms=100.0, ttft_invoke_ms=500.0, tokens_per_s=60.0))  # 5×
    board.add(result(ttft_stream_ms=200.0, ttft_invoke_ms=2_000.0, tokens_per_s=100.0))  # 10×
    board.add(result(ttft_stream_ms=300.0, ttft_invoke_ms=None, tokens_per_s=None))  # no ratio
    board.add(result(provider_kind="openai", model="gpt-4o-mini", ttft_stream_ms=400.0))
    board.add(result(room="other-room", ttft_stream_ms=1.0))
    assert board.by_model("abc123") == [
        ModelSummary("embedded", "sim-fast", 3, 200.0, 1_250.0, 7.5, 5.0, 10.0, 80.0),
        ModelSummary("openai", "gpt-4o-mini", 1, 400.0, 900.0, 2.25, 2.25, 2.25, 80.0),
    ]


def test_clear_room_removes_that_room_only_and_clear_idle_removes_rooms_unused_since(board):
    board.add(result(room="old-room", created_at=100.0))
    board.add(result(room="old-room", created_at=5_000.0))  # used lately: the whole room stays
    board.add(result(room="stale-room", created_at=200.0))
    board.add(result(room="stale-room", created_at=300.0))
    board.add(result(room="abc123", created_at=4_000.0))
    assert board.rooms() == [
        RoomSummary("old-room", 2, 5_000.0),
        RoomSummary("abc123", 1, 4_000.0),
        RoomSummary("stale-room", 2, 300.0),
    ]
    assert board.clear_idle(before=1_000.0) == 2
    assert [r.room for r in board.rooms()] == ["old-room", "abc123"]
    assert board.clear_room("old-room") == 2
    assert board.clear_room("old-room") == 0
    assert board.rooms() == [RoomSummary("abc123", 1, 4_000.0)]


def test_when_many_writers_share_at_once_then_every_result_is_kept(board_url):
    # Each writer is its own store, as each app replica (or cached store per process) would be.
    writers, each, errors = 6, 15, []

    def write(n: int) -> None:
        store = BoardStore(board_url)
        try:
            for i in range(each):
                store.add(result(nickname=f"Writer {n}", ttft_stream_ms=float(i + 1)))
        except BoardError as exc:
            errors.append(exc)
        finally:
            store.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    listed = BoardStore(board_url).results("abc123")
    assert len(listed) == len({r.id for r in listed}) == writers * each
    assert {r.nickname for r in listed} == {f"Writer {n}" for n in range(writers)}


@pytest.mark.parametrize(
    "changes, problem",
    [
        ({"room": "A room!"}, "Room: a room code is 3 to 32 lower-case letters"),
        ({"nickname": "<b>Boss</b>"}, "Nickname: a nickname may hold letters, digits, spaces"),
        ({"nickname": ""}, "Nickname: the nickname is empty"),
        ({"lesson": "overview"}, "Only these runs can be shared: why_streaming, streaming_vs_not"),
        ({"provider_kind": "http://key@host"}, "The provider kind must be one of embedded, openai"),
        ({"model": "m" * 101}, "The model name must be 1 to 100 characters."),
        ({"ttft_stream_ms": None}, "The run measured no first text"),
        ({"tokens_per_s": float("nan")}, "'tokens_per_s' must be a finite number of 0 or more"),
        ({"total_invoke_ms": -1.0}, "'total_invoke_ms' must be a finite number of 0 or more"),
    ],
)
def test_when_a_result_has_a_problem_then_add_refuses_it_saying_what_to_fix(board, changes, problem):
    with pytest.raises(BoardError, match=r"^Not shared: ") as raised:
        board.add(result(**changes))
    assert problem in str(raised.value)
    assert board.results("abc123") == []


def test_a_row_holds_only_what_the_board_shows_never_keys_urls_or_prompts():
    assert [c.name for c in RESULTS.columns] == [
        "id", "room", "nickname", "lesson", "created_at", "provider_kind", "model",
        "ttft_stream_ms", "ttft_invoke_ms", "total_stream_ms", "total_invoke_ms", "tokens_per_s",
        "sooner",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "url, message",
    [
        ("mysql://ann:hunter2@db/board", "names a mysql database (mysql://ann:***@db/board)"),
        ("not a url", "could not be read as a database URL: use sqlite:///path"),
        ("http://ann:hunter2@db", "names a http database (http://ann:***@db)"),
        ("sqlite://", "names no file"),
        ("sqlite:///:memory:", "names no file"),
    ],
)
def test_when_the_url_is_not_sqlite_or_postgresql_then_the_error_says_what_to_write(url, message):
    with pytest.raises(BoardError) as raised:
        BoardStore(url)
    assert message in str(raised.value)
    assert ENV_VAR in str(raised.value)
    assert "hunter2" not in str(raised.value)


def test_when_postgresql_is_unreachable_then_the_error_names_it_without_the_password():
    with pytest.raises(BoardError) as raised:
        BoardStore("postgresql://ann:hunter2@127.0.0.1:1/board")
    message = str(raised.value)
    assert message.startswith("Cannot use the class board's database postgresql+psycopg://ann:***@")
    assert "Connection refused" in message and "hunter2" not in message


def test_when_the_sqlite_path_is_a_folder_then_the_error_says_to_give_a_file(tmp_path):
    with pytest.raises(BoardError, match=r"is a folder; give a file, e\.g\. sqlite:///"):
        BoardStore(f"sqlite:///{tmp_path}")


def test_without_the_variable_the_board_is_an_sqlite_file_beside_the_lab_history(monkeypatch, tmp_path):
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setenv("STREAMLAB_DB", str(tmp_path / "lab" / "experiments.sqlite3"))
    assert default_board_path() == tmp_path / "lab" / "class_board.sqlite3"
    store = BoardStore()
    assert (store.kind, store.url.database) == ("sqlite", str(tmp_path / "lab" / "class_board.sqlite3"))
    store.add(result())
    assert (tmp_path / "lab" / "class_board.sqlite3").exists()


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_the_variable_alone_points_the_board_at_postgresql(monkeypatch, postgres_url, scheme):
    monkeypatch.setenv(ENV_VAR, postgres_url.replace("postgresql://", f"{scheme}://"))
    assert board_url().drivername == "postgresql+psycopg"
    store = BoardStore()
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version()")).scalar_one().startswith("PostgreSQL")
    store.close()


def test_without_postgresql_binaries_the_server_fixture_fails_naming_make_test(monkeypatch):
    monkeypatch.setenv("PG_BINDIR", "/nonexistent")
    monkeypatch.setattr(postgres.glob, "glob", lambda pattern: [])
    monkeypatch.setattr(postgres.shutil, "which", lambda name: None)
    with pytest.raises(postgres.PostgresMissing) as raised:
        postgres.pg_bindir()
    assert "run `make test` (it installs Debian's postgresql with apt)" in str(raised.value)
