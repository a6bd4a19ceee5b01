"""The SQLite experiment store: round-trips, listing, deleting, damaged files, and no secrets on disk."""

from __future__ import annotations

import json
import math
import sqlite3
from dataclasses import replace
from pathlib import Path

import pandas as pd
import platformdirs
import pytest
from pandas.testing import assert_frame_equal

from streamlab.lab import store as store_module
from streamlab.lab.experiments import ExperimentConfig
from streamlab.lab.results import Experiment, chunks_frame, trials_frame
from streamlab.lab.store import (
    LIST_COLUMNS,
    ExperimentStore,
    StoreError,
    default_db_path,
    is_lab_history,
    quarantine,
)
from tests.support.factories import make_experiment


@pytest.fixture
def store(tmp_path) -> ExperimentStore:
    return ExperimentStore(tmp_path / "nested" / "history.sqlite3")


def test_save_then_load_gives_identical_frames_and_config(store):
    original = make_experiment()
    exp_id = store.save(original)
    assert original.id == exp_id
    loaded = store.load(exp_id)
    assert loaded.config == original.config
    assert (loaded.created_at, loaded.status, loaded.wall_ms, loaded.id) == (
        original.created_at,
        original.status,
        original.wall_ms,
        exp_id,
    )
    assert loaded.trials == original.trials  # finishing order, None values and chunk text included
    assert_frame_equal(trials_frame(loaded.trials), trials_frame(original.trials))
    assert_frame_equal(chunks_frame(loaded.trials), chunks_frame(original.trials))


def test_list_shows_name_date_config_and_counts_newest_first(store):
    first, second = store.save(make_experiment("one")), store.save(make_experiment("two"))
    table = store.list()
    assert list(table.columns) == LIST_COLUMNS
    assert table["id"].tolist() == [second, first]
    row = table.iloc[0]
    assert (row["name"], row["chain"], row["configurations"], row["trials"], row["failed"]) == (
        "two",
        "parallel",
        "streaming, invoke",
        3,
        1,
    )


def test_delete_removes_the_experiment_with_its_trials_and_chunks(store):
    keep, gone = store.save(make_experiment("keep")), store.save(make_experiment("gone"))
    assert store.delete(gone) is True
    assert store.delete(gone) is False
    assert store.list()["id"].tolist() == [keep]
    with sqlite3.connect(store.path) as conn:
        for table in ("trials", "chunks"):
            count = conn.execute(f"SELECT COUNT(*) FROM {table} WHERE experiment_id = ?", (gone,))
            assert count.fetchone() == (0,)
    with pytest.raises(StoreError, match=f"Experiment #{gone} is not in the history"):
        store.load(gone)


def test_an_empty_store_lists_nothing(store):
    assert store.list().empty


def test_a_damaged_history_gives_a_clear_error_and_can_be_replaced(tmp_path):
    path = tmp_path / "history.sqlite3"
    ExperimentStore(path).save(make_experiment())
    damaged = bytearray(path.read_bytes())
    damaged[100:1100] = b"\xff" * 1000  # the table of tables, right after the file header
    path.write_bytes(bytes(damaged))
    with pytest.raises(StoreError, match="is damaged") as info:
        ExperimentStore(path)
    assert info.value.damaged
    moved = quarantine(path)
    assert moved.exists() and moved.name.startswith("history.sqlite3.corrupt-")
    fresh = ExperimentStore(path)
    assert fresh.list().empty


def test_a_truncated_history_file_is_reported_not_crashed(tmp_path):
    path = tmp_path / "history.sqlite3"
    ExperimentStore(path).save(make_experiment())
    path.write_bytes(path.read_bytes()[:2000])
    with pytest.raises(StoreError, match="damaged"):
        ExperimentStore(path).list()


def test_another_programs_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER)")
    with pytest.raises(StoreError, match="SQLite file of another program"):
        ExperimentStore(path)


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "h.sqlite3"
    ExperimentStore(path)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="written by a newer version of the lab"):
        ExperimentStore(path)


def test_a_file_that_cannot_be_opened_is_not_called_damaged(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="Cannot create the folder") as info:
        ExperimentStore(blocker / "history.sqlite3")
    assert not info.value.damaged


def test_a_folder_path_is_refused(tmp_path):
    with pytest.raises(StoreError, match="is a folder"):
        ExperimentStore(tmp_path)


def test_no_api_key_ever_reaches_the_file(store):
    data = make_experiment().config.to_dict()
    data["variants"][1]["api_key"] = "sk-live-SECRET123"
    config = ExperimentConfig.from_dict(data)
    store.save(Experiment(config, [], "2026-01-01T00:00:00+00:00", 1.0, "complete"))
    assert b"SECRET123" not in Path(store.path).read_bytes()
    with sqlite3.connect(store.path) as conn:
        columns = {
            row[1]
            for table in ("experiments", "trials", "chunks")
            for row in conn.execute(f"PRAGMA table_info({table})")
        }
    assert not any("key" in c for c in columns)


def test_default_path_is_the_user_data_dir_unless_overridden(monkeypatch, tmp_path):
    monkeypatch.delenv("STREAMLAB_DB", raising=False)
    default = default_db_path()
    assert default == Path(platformdirs.user_data_dir("streaming-runnables-lab")) / "experiments.sqlite3"
    assert Path(__file__).resolve().parents[2] not in default.parents  # never inside the repo
    monkeypatch.setenv("STREAMLAB_DB", str(tmp_path / "mine.sqlite3"))
    assert default_db_path() == tmp_path / "mine.sqlite3"


def test_saved_frames_keep_their_dtypes(store):
    loaded = store.load(store.save(make_experiment()))
    frame = trials_frame(loaded.trials)
    assert frame["ttft_ms"].dtype == "float64" and frame["chunks"].dtype == "int64"
    assert pd.isna(frame.loc[frame["status"] == "failed", "ttft_ms"]).all()


# --- hostile files and killed runs (issue 17, items 6, 8, 9) ---------------------------------


def other_process(monkeypatch) -> None:
    """From now on this test is "another process" (say, the app after a restart)."""
    monkeypatch.setattr(store_module, "OWNER", "another-process")


def test_trials_are_saved_as_they_finish_and_a_run_that_never_ends_reads_interrupted(
    tmp_path, monkeypatch
):
    path = tmp_path / "history.sqlite3"
    store, done = ExperimentStore(path), make_experiment("killed")
    exp_id = store.begin(Experiment(done.config, created_at=done.created_at))
    for seq, trial in enumerate(done.trials[:2]):
        store.add_trial(exp_id, seq, trial)
    assert store.list()["status"].tolist() == ["running"]  # this process is still running it
    other_process(monkeypatch)
    reopened = ExperimentStore(path)
    row = reopened.list().iloc[0]
    assert (row["status"], row["trials"], row["planned"]) == ("interrupted", 2, 4)
    loaded = reopened.load(exp_id)
    assert (loaded.status, loaded.trials) == ("interrupted", done.trials[:2])


def test_a_finished_run_keeps_its_status_and_wall_time(store):
    done = make_experiment()
    exp_id = store.begin(Experiment(done.config, created_at=done.created_at))
    for seq, trial in enumerate(done.trials):
        store.add_trial(exp_id, seq, trial)
    store.finish(exp_id, "stopped", 1234.5)
    loaded = store.load(exp_id)
    assert (loaded.status, loaded.wall_ms, loaded.trials) == ("stopped", 1234.5, done.trials)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"ttft_ms": math.nan}, "'ttft_ms' must be a finite number"),
        ({"trial": 10**30}, "'trial' must be a whole number"),
    ],
)
def test_a_value_sqlite_cannot_keep_is_refused_and_the_file_is_not_called_damaged(
    store, change, message
):
    done = make_experiment()
    bad = Experiment(done.config, [replace(done.trials[0], **change)], "", 1.0, "complete")
    with pytest.raises(StoreError, match=message) as info:
        store.save(bad)
    assert not info.value.damaged
    assert store.list().empty  # nothing half-saved


def test_a_history_written_by_the_previous_schema_opens_and_keeps_its_experiments(tmp_path):
    path = tmp_path / "v1.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.executescript(SCHEMA_V1)
        conn.execute(
            "INSERT INTO experiments (name, created_at, status, wall_ms, config_json) "
            "VALUES ('old', '2025-01-01T00:00:00+00:00', 'complete', 5.0, ?)",
            (json.dumps(make_experiment().config.to_dict()),),
        )
    store = ExperimentStore(path)
    assert store.list()["name"].tolist() == ["old"]
    assert is_lab_history(path)


def test_only_a_lab_history_counts_as_one(tmp_path):
    notes, other, lab = tmp_path / "notes.txt", tmp_path / "other.db", tmp_path / "lab.sqlite3"
    notes.write_text("my notes\n" * 100)
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER)")
    ExperimentStore(lab).save(make_experiment())
    damaged = bytearray(lab.read_bytes())
    damaged[100:1100] = b"\xff" * 1000
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(bytes(damaged))
    verdicts = {p.name: is_lab_history(p) for p in (notes, other, lab, broken, tmp_path / "none")}
    assert verdicts == {
        "notes.txt": False,
        "other.db": False,
        "lab.sqlite3": True,
        "broken.sqlite3": True,
        "none": False,
    }


def test_a_file_that_is_not_a_lab_history_is_never_renamed(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("my notes\n" * 100)
    with pytest.raises(StoreError, match="not an experiment history") as info:
        ExperimentStore(path)
    assert not info.value.damaged and "will not rename or replace it" in str(info.value)
    with pytest.raises(StoreError, match="will not rename or replace it"):
        quarantine(path)
    assert path.read_text().startswith("my notes") and [p.name for p in tmp_path.iterdir()] == [
        "notes.txt"
    ]


SCHEMA_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES ('schema_version', '1');
CREATE TABLE experiments (
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, created_at TEXT NOT NULL,
    status TEXT NOT NULL, wall_ms REAL NOT NULL, config_json TEXT NOT NULL);
CREATE TABLE trials (
    experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL, variant, trial, prompt_index, status, started_ms, ended_ms, ttft_ms,
    total_ms, output_speed_tps, throughput_tps, chunks, content_chunks, output_tokens,
    tokens_source, gap_p50_ms, gap_p95_ms, gap_max_ms, error_type, error,
    PRIMARY KEY (experiment_id, seq));
CREATE TABLE chunks (
    experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL, idx INTEGER NOT NULL, t_ms REAL NOT NULL, branch TEXT, text TEXT NOT NULL);
CREATE INDEX chunks_by_trial ON chunks (experiment_id, seq);
"""
