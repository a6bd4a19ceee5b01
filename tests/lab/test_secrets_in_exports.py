"""A key used for a lab run must never reach the experiment's exports or its history file."""

from __future__ import annotations

from pydantic import SecretStr

from streamlab.lab.endpoints import Endpoints
from streamlab.lab.experiments import ExperimentConfig, Variant
from streamlab.lab.files import chunks_csv, to_json, trials_csv
from streamlab.lab.links import to_lab_params
from streamlab.lab.runner import run_experiment
from streamlab.lab.store import ExperimentStore

SECRET = "sk-live-EXPORTSECRET0123456789"


def test_key_used_for_a_run_is_absent_from_json_csv_url_and_sqlite(sim_base_url, tmp_path):
    # The simulator as an "OpenAI-compatible URL" with a key: the key really is sent.
    variant = Variant("compatible", provider="compatible", base_url=sim_base_url, model="sim-fast")
    config = ExperimentConfig(variants=(variant,), trials=2, concurrency=1, warmup=0)
    endpoints = Endpoints(compatible_key=SecretStr(SECRET), compatible_url=sim_base_url)
    experiment = run_experiment(config, endpoints)
    assert [t.status for t in experiment.trials] == ["ok", "ok"]
    exports = [
        to_json(experiment),
        trials_csv(experiment),
        chunks_csv(experiment),
        repr(to_lab_params(config)),
        repr(experiment),
    ]
    assert all(SECRET not in text for text in exports)
    store = ExperimentStore(tmp_path / "history.sqlite3")
    store.save(experiment)
    assert SECRET.encode() not in (tmp_path / "history.sqlite3").read_bytes()
