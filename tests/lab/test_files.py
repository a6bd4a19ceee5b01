"""Lab exports: CSV per trial and per chunk, JSON round-trip, and clear messages for bad imports."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from streamlab.lab.files import ImportProblem, chunks_csv, from_json, to_json, trials_csv
from streamlab.lab.results import CHUNK_COLUMNS, TRIAL_COLUMNS, chunks_frame, trials_frame
from tests.support.factories import make_experiment


def test_json_export_then_import_gives_identical_experiment():
    original = make_experiment()
    loaded = from_json(to_json(original))
    assert loaded.config == original.config
    assert loaded.trials == original.trials
    assert (loaded.created_at, loaded.status, loaded.wall_ms) == (
        original.created_at,
        original.status,
        original.wall_ms,
    )
    assert_frame_equal(trials_frame(loaded.trials), trials_frame(original.trials))
    assert_frame_equal(chunks_frame(loaded.trials), chunks_frame(original.trials))


def test_json_holds_config_and_results_but_no_key_field():
    document = json.loads(to_json(make_experiment()))
    assert document["format"] == "streaming-runnables-lab/experiment" and document["version"] == 1
    assert document["config"]["variants"][1] == {
        "label": "invoke",
        "mode": "invoke",
        "api": "sync",
        "provider": "openai",
        "model": "gpt-4o-mini",
        "base_url": "",
        "ttft_ms": 150.0,
        "tokens_per_s": 80.0,
        "jitter_ms": 5.0,
        "fault": "",
    }
    assert "key" not in json.dumps(document).lower().replace("tokens", "")


def test_trials_csv_has_one_row_per_trial_and_chunks_csv_one_per_chunk():
    experiment = make_experiment()
    trials = pd.read_csv(io.StringIO(trials_csv(experiment)))
    chunks = pd.read_csv(io.StringIO(chunks_csv(experiment)), keep_default_na=False)
    assert list(trials.columns) == TRIAL_COLUMNS and len(trials) == 3
    assert trials["variant"].tolist() == ["streaming", "streaming", "invoke"]  # config order
    assert trials.loc[trials["status"] == "failed", "error"].tolist() == ["The connection broke."]
    assert list(chunks.columns) == CHUNK_COLUMNS and len(chunks) == 4
    assert chunks["text"].tolist() == ["", "Hé", "llo", "x"]


@pytest.mark.parametrize(
    "payload, message",
    [
        (b"\xff\xfe not text", "not UTF-8 text"),
        ('{"format": "streaming-runnables-lab/experiment", ', "not valid JSON (line 1, column"),
        ("[1, 2, 3]", "not a latency-lab export"),
        ('{"hello": "world"}', "not a latency-lab export"),
        (
            '{"format": "streaming-runnables-lab/experiment", "version": 7}',
            "Unsupported export version 7",
        ),
    ],
)
def test_malformed_imports_say_what_is_wrong(payload, message):
    with pytest.raises(ImportProblem, match=message.replace("(", r"\(")):
        from_json(payload)


@pytest.mark.parametrize(
    "mutate, message",
    [
        (
            lambda d: d["config"].update(concurrency=99),
            "Concurrency must be a whole number from 1 to 16",
        ),
        (lambda d: d.update(trials={}), "needs a list 'trials'"),
        (lambda d: d["trials"][0].update(ttft_ms="fast"), "Trial 1: 'ttft_ms' must be a number or null"),
        (lambda d: d["trials"][1].pop("total_ms"), "Trial 2 is missing 'total_ms'"),
        (lambda d: d["trials"][0].update(status="great"), "Trial 1: 'status' must be one of ok, failed"),
        (lambda d: d["trials"][0].update(variant="ghost"), "variant 'ghost' is not one of the configur"),
        (lambda d: d["trials"][1].update(points=[[0, "soon", None, "x"]]), "Trial 2, chunk 1: expected"),
        (lambda d: d["trials"][1].update(points="abc"), "Trial 2: 'points' must be a list"),
    ],
)
def test_imports_with_a_bad_field_name_the_trial_and_field(mutate, message):
    document = json.loads(to_json(make_experiment()))
    mutate(document)
    with pytest.raises(ImportProblem, match=message):
        from_json(json.dumps(document))
