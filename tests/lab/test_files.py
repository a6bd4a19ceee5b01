"""Lab exports: JSON with the config and every trial, CSV per trial and per chunk, and CSV cells
a spreadsheet would run as formulas neutralised."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import pandas as pd

from streamlab.lab.files import chunks_csv, to_json, trials_csv
from streamlab.lab.results import CHUNK_COLUMNS, TRIAL_COLUMNS, Experiment
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


FORMULAS = ['=HYPERLINK("http://evil.example")', "+1+2", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised():
    experiment = make_experiment(name="=cmd")
    labels = {"streaming": FORMULAS[0], "invoke": FORMULAS[3]}
    variants = tuple(replace(v, label=labels[v.label]) for v in experiment.config.variants)
    trials = [
        replace(
            t,
            variant=labels[t.variant],
            started_ms=-3.5,  # a negative number stays a number
            error=FORMULAS[4] if t.error else None,
            tokens_source=FORMULAS[5],
            points=tuple(replace(p, text=FORMULAS[i % 6]) for i, p in enumerate(t.points)),
        )
        for t in experiment.trials
    ]
    hostile = Experiment(replace(experiment.config, variants=variants), trials, "", 1.0, "complete")
    trial_rows = list(csv.DictReader(io.StringIO(trials_csv(hostile), newline="")))
    chunk_rows = list(csv.DictReader(io.StringIO(chunks_csv(hostile), newline="")))
    assert {r["variant"] for r in trial_rows} == {"'" + FORMULAS[0], "'" + FORMULAS[3]}
    assert [r["error"] for r in trial_rows if r["error"]] == ["'\t=1"]
    assert {r["tokens_source"] for r in trial_rows} == {"'\r=1"}
    assert {r["started_ms"] for r in trial_rows} == {"-3.5"}
    assert [r["text"] for r in chunk_rows] == ["'" + FORMULAS[i] for i in (0, 1, 2, 0)]
    cells = [v for row in trial_rows + chunk_rows for k, v in row.items() if k != "started_ms"]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
