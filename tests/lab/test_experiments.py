"""Experiment configs and the trial runner, against the embedded simulator over real HTTP."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from pydantic import SecretStr

from streamlab.lab.background import progress_text, start_experiment
from streamlab.lab.endpoints import Endpoints, unusable
from streamlab.lab.experiments import ConfigError, ExperimentConfig, Variant
from streamlab.lab.results import chunks_frame, combined_frames, trials_frame
from streamlab.lab.runner import plan_jobs, run_experiment
from streamlab.lab.store import ExperimentStore

FAST = {"ttft_ms": 0.0, "tokens_per_s": 0.0, "jitter_ms": 0.0}


def config(*variants: Variant, **kwargs) -> ExperimentConfig:
    defaults = {"trials": 3, "concurrency": 2, "warmup": 0}
    return ExperimentConfig(variants=variants, **{**defaults, **kwargs})


@pytest.fixture
def endpoints(sim_base_url) -> Endpoints:
    return Endpoints(embedded_url=sim_base_url)


# --- configuration ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change, message",
    [
        ({"trials": 0}, "Trials must be a whole number from 1 to 200; got 0."),
        ({"trials": 201}, "Trials must be a whole number from 1 to 200; got 201."),
        ({"concurrency": 17}, "Concurrency must be a whole number from 1 to 16; got 17."),
        ({"warmup": -1}, "Warm-up runs must be a whole number from 0 to 20; got -1."),
        ({"prompts": ("  ",)}, "Add at least one prompt."),
        ({"variants": ()}, "Compare 1 to 8 configurations; got 0."),
        ({"variants": (Variant("a"), Variant("a"))}, "Each configuration needs its own label"),
        (
            {"variants": (Variant("x", mode="fast"),)},
            "Configuration x: mode must be one of stream, invoke.",
        ),
        (
            {"variants": (Variant("x", provider="compatible", base_url="localhost"),)},
            "must start with http",
        ),
        (
            {"variants": (Variant("x", fault="explode"),)},
            "fault must be empty, 401, 429, 500, drop_after:N",
        ),
    ],
)
def test_problems_name_what_to_fix(change, message):
    problems = replace(config(Variant("s")), **change).problems()
    assert any(message in p for p in problems), problems


def test_valid_config_has_no_problems_and_survives_a_dict_round_trip():
    original = config(
        Variant("s"),
        Variant("i", mode="invoke", api="async", ttft_ms=10.0, fault="500"),
        prompts=("one", "two"),
        seed=9,
    )
    assert original.problems() == []
    assert ExperimentConfig.from_dict(original.to_dict()) == original


def test_from_dict_drops_unknown_keys_such_as_an_api_key():
    data = config(Variant("s", provider="openai", model="gpt-4o-mini")).to_dict()
    data["variants"][0]["api_key"] = "sk-should-never-travel"
    data["api_key"] = "sk-should-never-travel"
    loaded = ExperimentConfig.from_dict(data)
    assert "sk-should" not in repr(loaded) and "sk-should" not in str(loaded.to_dict())


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d.update(trials="many"), "'trials' must be a whole number; got 'many'"),
        (lambda d: d.update(variants=[]), "non-empty list 'variants'"),
        (lambda d: d["variants"][0].update(ttft_ms="fast"), "'ttft_ms' must be a finite number"),
        (lambda d: d["variants"][0].pop("label"), "Variant 1 needs a text 'label'"),
        (lambda d: d.update(trials=500), "Trials must be a whole number from 1 to 200; got 500."),
    ],
)
def test_from_dict_when_a_field_is_wrong_then_says_which(mutate, message):
    data = config(Variant("s")).to_dict()
    mutate(data)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        ExperimentConfig.from_dict(data)


def test_plan_runs_warmups_first_then_every_trial_once_in_a_seeded_order():
    cfg = config(Variant("a"), Variant("b"), trials=5, warmup=2, seed=4)
    jobs = plan_jobs(cfg)
    assert [j.warmup for j in jobs[:4]] == [True] * 4 and not any(j.warmup for j in jobs[4:])
    measured = [(j.variant.label, j.trial) for j in jobs[4:]]
    assert sorted(measured) == [(v, i) for v in "ab" for i in range(5)]
    assert measured == [(j.variant.label, j.trial) for j in plan_jobs(cfg)[4:]]  # same seed, same order
    other = [(j.variant.label, j.trial) for j in plan_jobs(replace(cfg, seed=5))[4:]]
    assert other != measured


# --- running ------------------------------------------------------------------------------------


def test_streaming_and_invoke_trials_are_measured_and_reported_as_they_finish(endpoints):
    cfg = config(Variant("stream", **FAST), Variant("invoke", mode="invoke", **FAST), warmup=1)
    seen = []
    experiment = run_experiment(cfg, endpoints, on_trial=seen.append)
    assert experiment.status == "complete" and len(experiment.trials) == len(seen) == 6
    frame = trials_frame(experiment.trials, experiment.labels)
    assert list(frame["variant"]) == ["stream"] * 3 + ["invoke"] * 3  # warm-ups are not recorded
    assert (frame["status"] == "ok").all()
    stream, invoke = frame[frame["variant"] == "stream"], frame[frame["variant"] == "invoke"]
    assert (stream["content_chunks"] > 5).all() and (stream["chunks"] > stream["content_chunks"]).all()
    assert (invoke["chunks"] == 1).all()  # the whole answer arrives as one piece
    assert (invoke["ttft_ms"] == invoke["total_ms"]).all()
    assert (frame["tokens_source"] == "usage").all()  # chunks are not tokens: usage says how many
    assert (invoke["output_tokens"] == stream["output_tokens"].to_numpy()).all()
    chunks = chunks_frame(experiment.trials)
    assert len(chunks) == frame["chunks"].sum()


@pytest.mark.parametrize("chain", ["llm", "sequence", "parallel", "blocking"])
def test_every_chain_runs_sync_and_async(endpoints, chain):
    cfg = config(Variant("sync", **FAST), Variant("async", api="async", **FAST), chain=chain, trials=2)
    frame = trials_frame(run_experiment(cfg, endpoints).trials)
    assert (frame["status"] == "ok").all(), frame["error"].tolist()
    expected = 1 if chain == "blocking" else 2  # a blocking step leaves one content chunk
    assert (frame["content_chunks"] == 1).all() if expected == 1 else (frame["content_chunks"] > 2).all()


def test_parallel_chain_records_both_branches(endpoints):
    cfg = config(Variant("s", **FAST), chain="parallel", trials=1)
    chunks = chunks_frame(run_experiment(cfg, endpoints).trials)
    assert set(chunks["branch"]) == {"short", "detailed"}


def test_concurrency_overlaps_trials(endpoints):
    slow = {"ttft_ms": 150.0, "tokens_per_s": 0.0, "jitter_ms": 0.0}
    experiment = run_experiment(config(Variant("s", **slow), trials=8, concurrency=4), endpoints)
    frame = trials_frame(experiment.trials)
    assert experiment.wall_ms < 0.6 * frame["total_ms"].sum()
    starts, ends = frame["started_ms"], frame["ended_ms"]
    busiest = max(((starts <= t) & (ends > t)).sum() for t in starts)
    assert busiest >= 3


def test_concurrency_one_runs_trials_back_to_back(endpoints):
    slow = {"ttft_ms": 40.0, "tokens_per_s": 0.0, "jitter_ms": 0.0}
    frame = trials_frame(
        run_experiment(config(Variant("s", **slow), trials=4, concurrency=1), endpoints).trials
    ).sort_values("started_ms")
    assert (frame["started_ms"].to_numpy()[1:] >= frame["ended_ms"].to_numpy()[:-1]).all()


def test_a_fault_mid_stream_is_recorded_as_a_failure_with_partial_timings(endpoints):
    cfg = config(Variant("ok", **FAST), Variant("broken", fault="drop_after:5", **FAST), trials=2)
    experiment = run_experiment(cfg, endpoints)
    frame = trials_frame(experiment.trials, experiment.labels)
    broken = frame[frame["variant"] == "broken"]
    assert len(broken) == 2 and (broken["status"] == "failed").all()
    broke = "The connection broke while the answer was streaming, after 4 content chunks"
    assert broken["error"].str.startswith(broke).all()
    assert broken["ttft_ms"].notna().all() and (broken["content_chunks"] >= 1).all()
    assert (frame.loc[frame["variant"] == "ok", "status"] == "ok").all()


def test_an_http_fault_is_a_failed_trial_not_a_crash(endpoints):
    frame = trials_frame(
        run_experiment(config(Variant("x", fault="500", **FAST), trials=1), endpoints).trials
    )
    assert frame.loc[0, "status"] == "failed" and "internal error (HTTP 500)" in frame.loc[0, "error"]


def test_openai_without_a_key_is_unusable_and_fails_clearly_instead_of_crashing(endpoints):
    gpt = Variant("gpt", provider="openai", model="gpt-4o-mini")
    cfg = config(Variant("sim", **FAST), gpt, trials=1)
    [problem] = unusable(cfg, endpoints)
    assert "uses OpenAI, but no API key is set" in problem
    frame = trials_frame(run_experiment(cfg, endpoints).trials)
    gpt = frame[frame["variant"] == "gpt"].iloc[0]
    assert gpt["status"] == "failed" and "no API key is set" in gpt["error"]
    assert unusable(cfg, replace(endpoints, openai_key=SecretStr("sk-test"))) == []


def test_endpoints_never_show_their_keys():
    endpoints = Endpoints("http://x", SecretStr("sk-secret-1"), SecretStr("sk-secret-2"))
    assert "sk-secret" not in repr(endpoints)


def test_stop_before_any_trial_records_nothing(endpoints):
    stop = threading.Event()
    stop.set()
    experiment = run_experiment(config(Variant("s", **FAST)), endpoints, stop=stop)
    assert experiment.trials == [] and experiment.status == "stopped"


def test_stop_mid_experiment_keeps_finished_trials(endpoints):
    stop = threading.Event()
    slow = {"ttft_ms": 30.0, "tokens_per_s": 200.0, "jitter_ms": 0.0}
    experiment = run_experiment(
        config(Variant("s", **slow), trials=20, concurrency=2),
        endpoints,
        on_trial=lambda _: stop.set(),
        stop=stop,
    )
    assert experiment.status == "stopped"
    assert 1 <= len(experiment.trials) < 20
    assert {t.status for t in experiment.trials} <= {"ok", "stopped"}


def test_background_run_hands_over_trials_and_a_complete_experiment(endpoints):
    run = start_experiment(config(Variant("s", **FAST), trials=4), endpoints)
    batches = list(run.iter_trials(poll_s=0.05))
    assert sum(len(b) for b in batches) == 4
    assert run.snapshot().status == "complete" and len(run.received) == 4


def test_background_run_stopped_early_keeps_what_finished(endpoints):
    slow = {"ttft_ms": 50.0, "tokens_per_s": 100.0, "jitter_ms": 0.0}
    run = start_experiment(config(Variant("s", **slow), trials=40, concurrency=2), endpoints)
    while not run.wait(1.0):
        pass
    run.stop()  # what the page does when Stop interrupts its loop
    partial = run.snapshot()
    assert partial.status == "stopped" and 1 <= len(partial.trials) < 40
    assert partial.planned == 40


def in_order(trials) -> list:
    return sorted(trials, key=lambda t: (t.variant, t.trial))


def test_a_background_run_saves_each_trial_as_it_finishes_then_its_status(endpoints, tmp_path):
    store = ExperimentStore(tmp_path / "history.sqlite3")
    run = start_experiment(config(Variant("s", **FAST), trials=4), endpoints, store)
    for batch in run.iter_trials(poll_s=0.05):
        for _ in batch:  # every trial handed to the page is already in the file
            assert len(store.load(run.experiment_id).trials) >= len(run.received)
    experiment = run.snapshot()
    saved = store.load(experiment.id)
    assert (saved.status, saved.created_at) == ("complete", experiment.created_at)
    assert in_order(saved.trials) == in_order(experiment.trials) and len(saved.trials) == 4


def test_a_background_run_stopped_early_saves_what_finished_as_stopped(endpoints, tmp_path):
    store = ExperimentStore(tmp_path / "history.sqlite3")
    slow = {"ttft_ms": 50.0, "tokens_per_s": 100.0, "jitter_ms": 0.0}
    run = start_experiment(config(Variant("s", **slow), trials=40, concurrency=2), endpoints, store)
    while not run.wait(1.0):
        pass
    run.stop()
    partial = run.snapshot(wait_s=10)  # the trials in flight end at their next chunk
    saved = store.load(partial.id)
    assert saved.status == "stopped" and in_order(saved.trials) == in_order(partial.trials)


def test_combined_frames_prefix_each_experiment(endpoints):
    experiment = run_experiment(config(Variant("s", **FAST), trials=1), endpoints)
    trials, chunks = combined_frames({"#1": experiment, "#2": experiment})
    assert list(trials["variant"]) == ["#1 · s", "#2 · s"]
    assert set(chunks["variant"]) == {"#1 · s", "#2 · s"}


@pytest.mark.parametrize(
    "args, expected",
    [
        ((0, 40, 0.5, 1, 2), "Warming up: 1 of 2 runs (not recorded)…"),
        ((10, 40, 5.0), "10 of 40 trials · 5.0 s elapsed · about 15 s left"),
        ((40, 40, 20.0), "40 of 40 trials · 20.0 s elapsed"),
    ],
)
def test_progress_text_gives_an_eta_from_the_pace_so_far(args, expected):
    assert progress_text(*args) == expected
