"""The latency lab page, driven through the real app.py with the embedded provider."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from streamlab.lab.files import to_json
from streamlab.lab.store import ExperimentStore
from tests.support.apptest import ROOT, texts
from tests.support.factories import make_experiment

PAGE = "lessons/14_latency_lab.py"
# Small but non-zero latency (TTFT 30 ms, ~45 tokens at 100 tok/s): the verdict must hold under load.
PROFILE = {"sim_ttft_ms": 30.0, "sim_tokens_per_s": 100.0, "sim_jitter_ms": 0.0, "sim_seed": 1}
ZERO = {"sim_ttft_ms": 0.0, "sim_tokens_per_s": 0.0, "sim_jitter_ms": 0.0, "sim_seed": 1}


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "history.sqlite3"
    monkeypatch.setenv("STREAMLAB_DB", str(path))  # tests never touch the user's real history
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    return path


def open_lab(params: dict[str, str] | None = None, profile: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in (profile or ZERO).items():
        at.session_state[key] = value
    at.query_params.update(params or {})
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    return next(df.value for df in at.dataframe if column in df.value.columns)


def test_a_five_trial_experiment_gives_a_verdict_a_summary_and_a_saved_history(db):
    at = open_lab(profile=PROFILE)
    at.number_input(key="lab_trials").set_value(5)
    at.button(key="lab_run").click().run()
    assert not at.exception, at.exception
    [verdict] = [s.value for s in at.success if "Verdict" in s.value]
    assert "streaming showed first text" in verdict and "sooner than invoke" in verdict
    assert "total time equal within" in verdict
    summary = frame_with(at, "metric").set_index(["configuration", "metric"])
    assert summary.loc[("streaming", "TTFT"), "n"] == 5 and summary.loc[("invoke", "TTFT"), "n"] == 5
    assert summary.loc[("invoke", "Chunks"), "median"] == "1.0"  # invoke: the answer is one chunk
    assert summary.loc[("streaming", "TTFT"), "median Δ vs baseline"] == "—"
    assert {m.label for m in at.metric} >= {"TTFT", "Total", "Output speed", "Throughput"}
    assert "Output speed** (Artificial Analysis convention)" in texts(at)  # definitions on the page
    history = frame_with(at, "configurations")
    assert history["name"].tolist() == ["streaming vs invoke"] and history["trials"].tolist() == [10]
    assert at.query_params["lab_n"] == "5"  # the address shares this experiment
    downloads = [b.label for b in at.get("download_button")]
    assert downloads == ["Trials CSV", "Chunks CSV", "Experiment JSON"]


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("lab_trials", 500, "Trials must be a whole number from 1 to 200; got 500."),
        ("lab_trials", 0, "Trials must be a whole number from 1 to 200; got 0."),
        ("lab_concurrency", 17, "Concurrency must be a whole number from 1 to 16; got 17."),
    ],
)
def test_out_of_range_settings_are_refused_with_a_clear_error(db, key, value, message):
    at = open_lab()
    at.number_input(key=key).set_value(value)
    at.button(key="lab_run").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [message]
    assert not any("Verdict" in s.value for s in at.success)


def test_a_shared_link_opens_the_same_experiment_and_warns_about_bad_params(db):
    at = open_lab(
        {
            "lab_n": "7",
            "lab_chain": "blocking",
            "lab_conc": "99",
            "lab_name": "workshop",
            "lab_v1": "label:fast,ttft:0,tps:0",
            "lab_v2": "label:slow,mode:invoke,ttft:0,tps:0",
        }
    )
    assert at.number_input(key="lab_trials").value == 7
    assert at.selectbox(key="lab_chain").value == "blocking"
    assert at.text_input(key="lab_name").value == "workshop"
    assert at.number_input(key="lab_concurrency").value == 4  # the bad value was ignored
    assert [w.value for w in at.warning if "Ignored" in w.value] == [
        "Ignored ?lab_conc=`99`: concurrency must be a whole number from 1 to 16."
    ]
    editor = next(df.value for df in at.dataframe if "label" in df.value.columns)
    assert editor["label"].tolist() == ["fast", "slow"]
    assert "build_with_blocking_step" in texts(at)  # the code shown follows the chain


def test_an_openai_configuration_without_a_key_fails_clearly(db):
    gpt = "label:gpt,provider:openai,model:gpt-4o-mini"
    at = open_lab({"lab_v1": "label:sim,ttft:0,tps:0", "lab_v2": gpt})
    at.button(key="lab_run").click().run()
    assert not at.exception
    assert "uses OpenAI, but no API key is set" in at.error[0].value


def test_failed_trials_are_listed_with_their_error(db):
    at = open_lab(
        {
            "lab_n": "2",
            "lab_v1": "label:ok,ttft:0,tps:0",
            "lab_v2": "label:broken,ttft:0,tps:0,fault:drop_after%3A5",
        }
    )
    at.button(key="lab_run").click().run()
    assert not at.exception
    assert any("2 trial(s) failed" in w.value for w in at.warning)
    failed = frame_with(at, "error_type")
    assert failed["variant"].tolist() == ["broken", "broken"]
    assert failed["error"].str.startswith("The connection broke while the answer was streaming").all()
    assert "2 of 2 trials of broken failed" in " ".join(s.value for s in at.success)


def test_a_corrupted_history_file_is_reported_and_can_be_replaced(db):
    db.write_bytes(b"definitely not sqlite " * 200)
    at = open_lab()
    assert "is damaged or not an experiment history" in at.error[0].value
    at.button(key="lab_db_fresh").click().run()
    assert not at.exception and not at.error
    assert "Started a fresh history" in " ".join(s.value for s in at.success)
    assert list(db.parent.glob("history.sqlite3.corrupt-*"))


def test_importing_json_shows_bad_files_clearly_and_opens_good_ones(db):
    at = open_lab()
    at.file_uploader(key="lab_import").upload("bad.json", b'{"format": ', "application/json").run()
    assert not at.exception
    assert at.error[0].value.startswith("Cannot import bad.json: The file is not valid JSON")
    good = to_json(make_experiment("imported run")).encode()
    at.file_uploader(key="lab_import").clear().upload("good.json", good, "application/json").run()
    assert not at.exception
    assert "Results: #1 imported run" in [s.value for s in at.subheader]
    assert "Imported “imported run” (3 trials) and saved as #1." in [s.value for s in at.success]


def test_history_reopens_compares_and_deletes(db):
    store = ExperimentStore(db)
    first, second = store.save(make_experiment("first")), store.save(make_experiment("second"))
    at = open_lab()
    assert frame_with(at, "configurations")["id"].tolist() == [second, first]  # newest first
    at.selectbox(key="lab_hist_pick").set_value(first)
    at.button(key="lab_hist_open").click().run()
    assert "Results: #1 first" in [s.value for s in at.subheader]
    # "Compare two" overlays both: every configuration appears as "#id · label".
    configurations = set().union(
        *(set(df.value["configuration"]) for df in at.dataframe if "metric" in df.value.columns)
    )
    assert {"#1 · streaming", "#2 · streaming", "#1 · invoke"} <= configurations
    at.button(key="lab_hist_load").click().run()
    assert at.text_input(key="lab_name").value == "first"
    assert at.number_input(key="lab_trials").value == 2
    assert at.selectbox(key="lab_chain").value == "parallel"
    at.button(key="lab_hist_delete").click().run()
    assert frame_with(at, "configurations")["id"].tolist() == [second]
    assert "Deleted experiment #1." in [s.value for s in at.success]
    assert "Results: #1 first" not in [s.value for s in at.subheader]


def test_definitions_say_which_of_the_three_layers_the_lab_measures(db):
    # The lab's trials never reach the screen: its numbers are the LangChain layer, and it says so.
    page = " ".join(texts(open_lab()).split())
    assert "*received by LangChain* layer" in page
    assert "there is no *shown in browser* time" in page
