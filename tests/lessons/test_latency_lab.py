"""Lesson "Latency lab": its recipes against the embedded simulator over HTTP, and its page driven
through the real app.py (sidebar included) with the embedded provider."""

from __future__ import annotations

import asyncio
import json
import re
import signal
import sqlite3
import subprocess
import sys
import threading
from urllib.parse import quote

import pandas as pd
import pytest
from langchain_core.messages import AIMessageChunk
from streamlit.testing.v1 import AppTest

from streamlab.lab.files import to_json
from streamlab.lab.store import ExperimentStore
from streamlab.measure.recorder import StreamRecorder
from streamlab.recipes.latency_lab import (
    atime_invoke,
    atime_stream,
    build_llm_only,
    build_parallel,
    build_seed_sequence,
    build_with_blocking_step,
    time_invoke,
    time_stream,
)
from streamlab.sim.answers import LatencyProfile
from tests.support.apptest import FAST_PROFILE, ROOT, SMALL_PROFILE, texts
from tests.support.factories import make_experiment
from tests.support.listener import Listener
from tests.support.markdown import HOSTILE, MARKUP, rendered

PAGE = "lessons/14_latency_lab.py"
TEXT = "Streaming shows the first words early while the answer is still being generated."


# --- recipes ---------------------------------------------------------------------------------


def test_seed_sequence_streams_many_chunks(chat_model):
    chunks = list(build_seed_sequence(chat_model).stream("Runnable streaming"))
    assert len([c for c in chunks if c.content]) > 10
    assert all(isinstance(c, AIMessageChunk) for c in chunks)


def test_blocking_step_after_the_model_collapses_the_stream_to_one_chunk(chat_model):
    chunks = list(build_with_blocking_step(chat_model).stream("Runnable streaming"))
    assert len(chunks) == 1
    assert chunks[0].usage_metadata["output_tokens"] > 10  # the whole answer, usage included


def test_parallel_yields_one_key_chunks_per_branch_and_short_is_capped(make_llm):
    llm = make_llm(model="sim-detailed")
    chunks = list(build_parallel(llm).stream("Explain RAG"))
    assert all(len(c) == 1 for c in chunks)
    usage = {key: 0 for key in ("short", "detailed")}
    for chunk in chunks:
        [(key, message)] = chunk.items()
        usage[key] += (message.usage_metadata or {}).get("output_tokens", 0)
    assert usage["short"] == 20 and usage["detailed"] > 20


def test_time_invoke_records_one_chunk_whose_arrival_is_both_ttft_and_total(chat_model):
    rec = StreamRecorder("invoke")
    time_invoke(build_llm_only(chat_model), "hi", rec, threading.Event())
    summary = rec.summary()
    assert summary["chunks"] == 1 and summary["ttft_ms"] == summary["total_ms"]


def test_time_stream_stops_at_the_next_chunk_when_asked(make_llm):
    llm = make_llm(profile=LatencyProfile(ttft_ms=0, tokens_per_s=50))  # ~1 s for the whole answer
    stop, rec = threading.Event(), StreamRecorder("stream")
    threading.Timer(0.2, stop.set).start()
    time_stream(build_llm_only(llm), "Explain streaming", rec, stop)
    summary = rec.summary()
    assert not rec.complete  # recorded as stopped, not as a finished stream
    assert 2 <= summary["chunks"] < 30 and summary["total_ms"] < 600


def test_async_timers_measure_like_the_sync_ones(chat_model):
    async def both() -> tuple[StreamRecorder, StreamRecorder]:
        streamed, invoked = StreamRecorder("s"), StreamRecorder("i")
        await atime_stream(build_llm_only(chat_model), "hi", streamed, threading.Event())
        await atime_invoke(build_llm_only(chat_model), "hi", invoked, threading.Event())
        return streamed, invoked

    streamed, invoked = asyncio.run(both())
    assert streamed.complete and streamed.summary()["content_chunks"] > 5
    assert invoked.complete and invoked.summary()["chunks"] == 1


def test_streaming_brings_first_text_forward_but_not_the_end(make_llm):
    llm = make_llm(profile=LatencyProfile(ttft_ms=100, tokens_per_s=50), sim={"text": TEXT})
    chain = build_llm_only(llm)
    chain.invoke("warm-up")  # open the connection first, as the lab's warm-up runs do
    streamed, invoked = StreamRecorder("s"), StreamRecorder("i")
    time_stream(chain, "x", streamed, threading.Event())
    time_invoke(chain, "x", invoked, threading.Event())
    s, i = streamed.summary(), invoked.summary()
    assert i["ttft_ms"] > 2 * s["ttft_ms"]  # first text far sooner when streaming…
    assert abs(s["total_ms"] - i["total_ms"]) < 0.3 * i["total_ms"]  # …but done at about the same time


# --- page ------------------------------------------------------------------------------------


def shown(elements) -> list[str]:
    """The text each Markdown element shows (its body rendered)."""
    return [rendered(str(e.value))[0] for e in elements]


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "history.sqlite3"
    monkeypatch.setenv("STREAMLAB_DB", str(path))  # tests never touch the user's real history
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    return path


def open_lab(params: dict[str, str] | None = None, profile: dict | None = None) -> AppTest:
    """The lab opened through app.py, as a shared link with `params` would open it."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in (profile or FAST_PROFILE).items():
        at.session_state[key] = value
    at.query_params.update(params or {})
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    return next(df.value for df in at.dataframe if column in df.value.columns)


def ran(at: AppTest) -> bool:
    """Whether the lesson counts as run (the takeaways page's progress)."""
    return "lessons_run" in at.session_state and "latency_lab" in at.session_state["lessons_run"]


def test_a_five_trial_experiment_gives_a_verdict_a_summary_and_a_saved_history(db):
    at = open_lab(profile=SMALL_PROFILE)  # a real first-token wait: the verdict must hold under load
    page = " ".join(texts(at).split())
    assert "Output speed** (Artificial Analysis convention)" in page  # definitions on the page
    # The lab's trials never reach the screen: its numbers are the LangChain layer, and it says so.
    assert "*received by LangChain* layer" in page and "there is no *shown in browser* time" in page
    at.number_input(key="lab_trials").set_value(5)
    at.button(key="lab_run").click().run()
    assert not at.exception, at.exception
    assert ran(at)
    [verdict] = [s for s in shown(at.success) if "Verdict" in s]
    assert "streaming showed first text" in verdict and "sooner than invoke" in verdict
    # The same tokens at the same speed: no winner on total time. ("equal within 5%" on a quiet
    # machine; a busy one can spread five trials further, and the lab then says it can't tell.)
    assert "total time equal within" in verdict or "total time: no clear difference" in verdict
    assert "finished" not in verdict, verdict
    summary = frame_with(at, "metric").set_index(["configuration", "metric"])
    assert summary.loc[("streaming", "TTFT"), "n"] == 5 and summary.loc[("invoke", "TTFT"), "n"] == 5
    assert summary.loc[("invoke", "Chunks"), "median"] == "1.0"  # invoke: the answer is one chunk
    assert summary.loc[("streaming", "TTFT"), "median Δ vs baseline"] == "—"
    assert {m.label for m in at.metric} >= {"TTFT", "Total", "Output speed", "Throughput"}
    # The headline shows both configurations: the baseline's medians, then invoke's with deltas.
    assert [m.label for m in at.metric].count("TTFT") == 2
    assert {"streaming (baseline)", "invoke"} <= set(shown(at.markdown))
    deltas = [m.delta for m in at.metric if m.label == "TTFT"]
    assert deltas[0] in (None, "") and deltas[1]  # only the second row compares
    history = frame_with(at, "configurations")
    assert history["name"].tolist() == ["streaming vs invoke"] and history["trials"].tolist() == [10]
    assert at.query_params["lab_n"] == "5"  # the address shares this experiment
    downloads = [b.label for b in at.get("download_button")]
    assert downloads[-3:] == ["Trials CSV", "Chunks CSV", "Experiment JSON"]
    assert next(b.key for b in at.get("download_button")) == "take_home_latency_lab"
    assert "def time_stream" in texts(at) and "def time_invoke" in texts(at)  # the code that ran


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("lab_prompts", "  \n ", "Type a question first: the prompt is empty."),
        ("lab_trials", 500, "Trials must be a whole number from 1 to 200; got 500."),
        ("lab_trials", 0, "Trials must be a whole number from 1 to 200; got 0."),
        ("lab_concurrency", 17, "Concurrency must be a whole number from 1 to 16; got 17."),
    ],
)
def test_an_empty_prompt_or_out_of_range_setting_is_refused_and_nothing_runs(db, key, value, message):
    at = open_lab()
    widget = at.text_area(key=key) if key == "lab_prompts" else at.number_input(key=key)
    widget.set_value(value)
    at.button(key="lab_run").click().run()
    assert not at.exception
    assert shown(at.error) == [message]
    assert not any("Verdict" in s for s in shown(at.success))
    assert not ran(at)  # a refused run does not count as the lesson run


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
    assert [w for w in shown(at.warning) if "Ignored" in w] == [
        "Ignored ?lab_conc='99': concurrency must be a whole number from 1 to 16."
    ]
    editor = next(df.value for df in at.dataframe if "label" in df.value.columns)
    assert editor["label"].tolist() == ["fast", "slow"]
    assert "build_with_blocking_step" in texts(at)  # the code shown follows the chain


def test_an_openai_configuration_without_a_key_fails_clearly(db):
    gpt = "label:gpt,provider:openai,model:gpt-4o-mini"
    at = open_lab({"lab_v1": "label:sim,ttft:0,tps:0", "lab_v2": gpt})
    at.button(key="lab_run").click().run()
    assert not at.exception
    assert "uses OpenAI, but no API key is set" in shown(at.error)[0]


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
    assert any("2 trial(s) failed" in w for w in shown(at.warning))
    failed = frame_with(at, "error_type")
    assert failed["variant"].tolist() == ["broken", "broken"]
    assert failed["error"].str.startswith("The connection broke while the answer was streaming").all()
    assert "2 of 2 trials of broken failed" in " ".join(shown(at.success))


def test_a_damaged_history_file_is_reported_and_can_be_replaced(db):
    ExperimentStore(db).save(make_experiment())
    damaged = bytearray(db.read_bytes())
    damaged[100:1100] = b"\xff" * 1000  # the table of tables, right after the file header
    db.write_bytes(bytes(damaged))
    at = open_lab()
    assert "is damaged" in shown(at.error)[0]
    at.button(key="lab_db_fresh").click().run()
    assert not at.exception and not at.error
    assert "Started a fresh history" in " ".join(shown(at.success))
    assert list(db.parent.glob("history.sqlite3.corrupt-*"))


def test_importing_json_shows_bad_files_clearly_and_opens_good_ones(db):
    at = open_lab()
    at.file_uploader(key="lab_import").upload("bad.json", b'{"format": ', "application/json").run()
    assert not at.exception
    assert shown(at.error)[0].startswith("Cannot import bad.json: The file is not valid JSON")
    good = to_json(make_experiment("imported run")).encode()
    at.file_uploader(key="lab_import").clear().upload("good.json", good, "application/json").run()
    assert not at.exception
    assert "Results: #1 imported run" in shown(at.subheader)
    assert "Imported “imported run” (3 trials) and saved as #1." in shown(at.success)


def test_when_an_experiment_has_just_run_then_the_history_picker_selects_it(db):
    store = ExperimentStore(db)
    first = store.save(make_experiment("first"))
    store.save(make_experiment("second"))
    at = open_lab()
    at.selectbox(key="lab_hist_pick").set_value(first).run()  # an older one picked before
    at.number_input(key="lab_trials").set_value(2)
    at.button(key="lab_run").click().run()
    assert not at.exception, at.exception
    newest = int(frame_with(at, "configurations")["id"].iloc[0])
    assert newest == 3 and at.selectbox(key="lab_hist_pick").value == newest
    at.run()  # later reruns leave the learner's own pick alone
    at.selectbox(key="lab_hist_pick").set_value(first).run()
    assert at.selectbox(key="lab_hist_pick").value == first


def test_history_reopens_compares_and_deletes(db):
    store = ExperimentStore(db)
    first, second = store.save(make_experiment("first")), store.save(make_experiment("second"))
    at = open_lab()
    assert frame_with(at, "configurations")["id"].tolist() == [second, first]  # newest first
    at.selectbox(key="lab_hist_pick").set_value(first)
    at.button(key="lab_hist_open").click().run()
    assert "Results: #1 first" in shown(at.subheader)
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
    assert "Deleted experiment #1." in shown(at.success)
    assert "Results: #1 first" not in shown(at.subheader)


# --- hostile input (issue 17) ----------------------------------------------------------------

SECRET = "sk-typed-in-the-sidebar-0123456789"
RENDERED = ("markdown", "caption", "warning", "error", "info", "success", "subheader", "header")


def shown_as_text(at: AppTest, text: str) -> int:
    """How many places show `text` literally; fails if one of them would render it as markup
    (an image, a link, HTML, or a GitHub/Streamlit extension: autolink, math, colour directive)."""
    places = 0
    for body in (str(e.value) for kind in RENDERED for e in at.get(kind)):
        plain, kinds = rendered(body)
        if text in plain:
            places += 1
            assert not kinds & MARKUP, body
            # GFM and Streamlit find these in the text after escapes are resolved
            assert not re.search(r"://|www\.|(?<!\\)\$|:red\[|a@", body, re.IGNORECASE), body
    return places


def frame_or_none(at: AppTest, column: str) -> pd.DataFrame | None:
    return next((df.value for df in at.dataframe if column in df.value.columns), None)


def test_a_key_typed_in_the_sidebar_never_goes_to_a_url_from_a_link(db):
    listener = Listener()
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        sidebar = {"provider_kind": "compatible", "compat_key": SECRET}
        for key, value in {**FAST_PROFILE, **sidebar}.items():
            at.session_state[key] = value
        theirs = "label:theirs,provider:compatible,model:m,url:" + quote(listener.url, safe="")
        at.query_params.update(
            {"lab_n": "1", "lab_warmup": "0", "lab_v1": "label:sim,ttft:0,tps:0", "lab_v2": theirs}
        )
        at.run()
        at.switch_page(PAGE).run()
        at.button(key="lab_run").click().run()
        assert not at.exception, at.exception
    finally:
        listener.close()
    assert listener.seen and all(SECRET not in header for header in listener.seen), listener.seen
    [warning] = [w for w in shown(at.warning) if "without your API key" in w]
    assert f"its URL points at {listener.host}" in warning


def test_names_and_labels_from_a_link_or_a_file_are_shown_as_text_on_every_visit(db):
    unknown = "lab_![u](http://evil.example/u.png)"
    at = open_lab(
        {
            "lab_n": "2",
            "lab_warmup": "0",
            "lab_name": HOSTILE,
            "lab_v1": "label:" + quote(HOSTILE, safe="") + ",ttft:0,tps:0",
            "lab_v2": "label:invoke,mode:invoke,ttft:0,tps:0",
            unknown: "1",
        }
    )
    assert shown_as_text(at, unknown) == 1  # the warning about the unknown parameter
    at.button(key="lab_run").click().run()
    assert not at.exception, at.exception
    assert shown_as_text(at, HOSTILE) >= 3  # results title, verdict, medians caption
    # An imported file with the same name and label is saved; a later visit reopens it.
    document = json.loads(to_json(make_experiment(HOSTILE)))
    document["config"]["variants"][0]["label"] = HOSTILE
    for trial in document["trials"]:
        trial["variant"] = HOSTILE if trial["variant"] == "streaming" else trial["variant"]
    upload = json.dumps(document).encode()
    at.file_uploader(key="lab_import").upload("hostile.json", upload, "application/json").run()
    assert not at.exception, at.exception
    assert shown_as_text(at, HOSTILE) >= 3  # the notice, its results, the comparison
    later = open_lab()
    later.selectbox(key="lab_hist_pick").set_value(2)
    later.button(key="lab_hist_open").click().run()
    assert not later.exception, later.exception
    assert shown_as_text(later, HOSTILE) >= 2
    for chart in later.get("plotly_chart"):  # plotly draws <a href> and <b> in legends and hovers
        names = [str(trace.get("name", "")) for trace in json.loads(chart.proto.spec)["data"]]
        assert not any("<img" in n or "<a " in n for n in names), names


def test_a_file_with_nan_or_a_failing_save_is_never_reported_as_imported(db):
    at = open_lab()
    text = to_json(make_experiment("nan run")).replace('"ttft_ms": 120.25', '"ttft_ms": NaN')
    at.file_uploader(key="lab_import").upload("nan.json", text.encode(), "application/json").run()
    assert not at.exception, at.exception
    assert shown(at.error) == [
        "Cannot import nan.json: Trial 2: 'ttft_ms' must be a finite number or null; got nan."
    ]
    assert not any("Imported" in s for s in shown(at.success))
    with sqlite3.connect(db) as conn:  # from now on the history file refuses every insert
        conn.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON experiments BEGIN SELECT RAISE(ABORT, 'full'); END"
        )
    good = to_json(make_experiment("good run")).encode()
    at.file_uploader(key="lab_import").clear().upload("good.json", good, "application/json").run()
    assert not at.exception, at.exception
    assert not any("Imported" in s for s in shown(at.success))
    [error] = [e for e in shown(at.error) if "could not be saved" in e]
    assert "damaged" not in error


def test_a_50_mb_file_is_refused_by_its_size(db):
    at = open_lab()
    huge = b'{"format": "streaming-runnables-lab/experiment", "pad": "' + b"x" * 50_000_000 + b'"}'
    at.file_uploader(key="lab_import").upload("huge.json", huge, "application/json").run()
    assert not at.exception, at.exception
    assert shown(at.error) == [
        "Cannot import huge.json: The file is 50.0 MB; the lab imports files up to 10 MB."
    ]
    assert frame_or_none(at, "configurations") is None  # nothing was saved


KILLED_RUN = """
import sys
from streamlab.lab.background import start_experiment
from streamlab.lab.experiments import ExperimentConfig, Variant
from streamlab.lab.endpoints import Endpoints
from streamlab.lab.store import ExperimentStore
from streamlab.sim.server import start_embedded

server = start_embedded()
slow = Variant("slow", ttft_ms=100.0, tokens_per_s=200.0, jitter_ms=0.0)
config = ExperimentConfig(name="killed run", variants=(slow,), trials=200, concurrency=2, warmup=0)
run = start_experiment(config, Endpoints(server.base_url), store=ExperimentStore(sys.argv[1]))
for batch in run.iter_trials():
    for _ in batch:
        print("saved", flush=True)
"""


def test_a_run_killed_with_sigkill_leaves_its_trials_shown_as_interrupted(db):
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_RUN, str(db)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        saved = 0
        for line in child.stdout:  # one line per trial already in the history file
            saved += line.startswith("saved")
            if saved == 4:
                break
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    at = open_lab()  # "after a restart": another process opens the same history file
    history = frame_with(at, "configurations")
    assert history["status"].tolist() == ["interrupted"] and history["trials"].iloc[0] >= 4
    assert any("killed run" in w and "interrupted" in w for w in shown(at.warning))
    at.button(key="lab_hist_open").click().run()
    assert not at.exception, at.exception
    assert any(w.startswith("Interrupted") for w in shown(at.warning))
    summary = frame_with(at, "metric").set_index(["configuration", "metric"])
    assert summary.loc[("slow", "TTFT"), "n"] >= 4


@pytest.mark.parametrize(
    "params, warning",
    [
        ({"lab_seed": "1.5"}, "Ignored ?lab_seed='1.5': seed must be a whole number from 0 to"),
        ({"lab_name": "n" * 300}, "Shortened ?lab_name to 200 characters (it had 300)."),
        ({"lab_prompts": "p" * 2500}, "Shortened prompt 1 of ?lab_prompts to 2000 characters (it"),
        ({"lab_v1": "label:" + "l" * 300}, "Ignored ?lab_v1: label has 300 characters; at most 200"),
    ],
)
def test_a_link_value_changed_or_dropped_is_named_in_a_warning(db, params, warning):
    at = open_lab(params)
    assert any(text.startswith(warning) for text in shown(at.warning)), shown(at.warning)


def test_a_sidebar_seed_that_is_not_whole_is_named_in_a_warning(db):
    at = open_lab({"seed": "1.5"})
    assert any("?seed" in w and "whole number" in w for w in shown(at.sidebar.warning))


def test_start_a_fresh_history_file_never_renames_a_file_that_is_not_a_lab_history(db):
    db.write_text("my notes, not a database\n" * 50)
    at = open_lab()
    [error] = shown(at.error)
    assert "not an experiment history" in error and "will not rename or replace it" in error
    assert not [b for b in at.button if b.key == "lab_db_fresh"]
    assert db.read_text().startswith("my notes") and not list(db.parent.glob("*.corrupt-*"))
