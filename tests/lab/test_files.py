"""Lab exports: JSON with the config and every trial, CSV per trial and per chunk, and CSV cells
a spreadsheet would run as formulas neutralised."""

from __future__ import annotations

import io
import json

import pandas as pd

from streamlab.lab.files import chunks_csv, to_json, trials_csv
from streamlab.lab.results import CHUNK_COLUMNS, TRIAL_COLUMNS
from tests.support.factories import make_experiment


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
