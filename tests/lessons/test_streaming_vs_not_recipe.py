"""The comparison lesson: repeated trials of stream vs invoke, medians, verdict, seed table."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from components.figures.trials import trials_figure
from streamlab.measure.trials import (
    Measurement,
    Trial,
    medians,
    mode_row,
    run_trials,
    seed_table,
    to_frame,
    verdict,
    verdict_for,
)
from streamlab.recipes.streaming_vs_not import measure_invoke, measure_stream
from streamlab.sim.answers import LatencyProfile

SMALL = LatencyProfile(ttft_ms=20, tokens_per_s=100, jitter_ms=0, seed=1)
PROMPT = "Explain latency in LLM apps"


def test_streaming_shows_first_text_sooner_but_total_time_is_about_the_same(make_llm):
    llm = make_llm(profile=SMALL)
    frame = to_frame(
        run_trials(
            {
                "stream": lambda: measure_stream(llm, PROMPT),
                "invoke": lambda: measure_invoke(llm, PROMPT),
            },
            3,
        )
    )
    table = medians(frame)
    stream, invoke = mode_row(table, "stream"), mode_row(table, "invoke")
    assert stream["ttft_ms"] * 3 < invoke["ttft_ms"]  # the seed's "Latency Low/High" is about THIS
    assert 0.7 < stream["total_ms"] / invoke["total_ms"] < 1.4  # ...not about the total
    assert stream["chunks"] > 20 and invoke["chunks"] == 1 and stream["trials"] == invoke["trials"] == 3
    assert verdict_for(table).startswith("Streaming showed first text ")


def test_measure_stream_ttft_skips_the_empty_role_chunk(make_llm):
    m = measure_stream(make_llm(sim={"text": "Hi there", "ttft_ms": 100, "tokens_per_s": 0}), "x")
    assert m.ttft_ms >= 95  # the role chunk comes at once; the first text only after TTFT
    assert m.chunks == 2 + 4 and m.total_ms >= m.ttft_ms  # Hi/ there + role, finish, usage, last


def test_measure_invoke_reports_the_whole_answer_as_first_text(make_llm):
    m = measure_invoke(make_llm(sim={"text": "Hi there"}), "x")
    assert m.ttft_ms == m.total_ms and m.chunks == 1


def test_run_trials_alternates_which_mode_goes_first_and_keeps_failures_as_rows():
    calls: list[str] = []

    def fake(mode: str, fail: bool = False):
        def measure() -> Measurement:
            calls.append(mode)
            if fail:
                raise RuntimeError("boom")
            return Measurement(10.0 if mode == "stream" else 100.0, 100.0, 5 if mode == "stream" else 1)

        return measure

    trials = list(run_trials({"stream": fake("stream"), "invoke": fake("invoke", fail=True)}, 3))
    assert calls == ["stream", "invoke", "invoke", "stream", "stream", "invoke"]
    failed = [t for t in trials if t.error]
    assert len(failed) == 3 and failed[0].total_ms is None
    assert failed[0].error == "The run failed: RuntimeError: boom"  # explain_error's wording
    table = medians(to_frame(trials))
    assert list(table["mode"]) == ["stream"] and verdict_for(table) is None


def test_medians_ignore_failed_trials():
    frame = to_frame(
        [
            Trial(1, "stream", 10, 100, 9),
            Trial(2, "stream", 30, 300, 9),
            Trial(3, "stream", None, None, None, "x"),
            Trial(1, "invoke", 100, 100, 1),
            Trial(2, "invoke", 120, 120, 1),
        ]
    )
    rows = medians(frame).set_index("mode").to_dict("index")
    assert rows["stream"] == {"trials": 2, "ttft_ms": 20.0, "total_ms": 200.0, "chunks": 9.0}
    assert rows["invoke"]["ttft_ms"] == 110.0


@pytest.mark.parametrize(
    ("numbers", "expected"),
    [
        (
            (100, 790, 1000, 1010),
            "Streaming showed first text 7.9× sooner (100 ms vs 790 ms); "
            "total time equal within 1% (1000 ms vs 1010 ms).",
        ),
        ((100, 790, 1020, 1000), "total time equal within 2%"),
        ((100, 790, 1200, 1000), "total time 20% longer when streaming"),
        ((90, 100, 100, 100), "only 1.1× sooner"),
    ],
)
def test_verdict_wording(numbers, expected):
    assert expected in verdict(*numbers)


def test_seed_table_calls_the_latency_row_misleading_and_adds_time_to_first_text():
    table = pd.DataFrame(
        {
            "mode": ["stream", "invoke"],
            "trials": [5, 5],
            "ttft_ms": [100.0, 790.0],
            "total_ms": [1000.0, 1010.0],
            "chunks": [60.0, 1.0],
        }
    )
    rows = seed_table(table).set_index("Aspect")
    assert rows.loc["Latency", "Seed (stream / invoke)"] == "Low / High"
    assert rows.loc["Latency", "Measured (stream / invoke)"] == "total 1000 ms / 1010 ms"
    assert rows.loc["Latency", "What the numbers say"].startswith("Misleading")
    first_text = rows.loc["Time to first text (new row)"]
    assert first_text["What the numbers say"].endswith("7.9× sooner.")
    assert rows.loc["Complexity", "Measured (stream / invoke)"] == "60 chunks / 1 message"


def test_trials_figure_has_one_box_per_mode_with_every_trial_as_a_point():
    modes = ("stream", "invoke")
    frame = to_frame([Trial(i, mode, 10.0 * i, 100.0 * i, 3, None) for i in (1, 2) for mode in modes])
    fig = trials_figure(frame)
    assert [t.name for t in fig.data] == ["stream", "invoke"]
    assert all(t.boxpoints == "all" and len(t.y) == 4 for t in fig.data)  # 2 trials × (TTFT, total)
    assert set(fig.data[0].x) == {"Time to first text", "Total time"}
    assert math.isclose(max(fig.data[0].y), 200.0)


def test_trials_figure_without_successful_trials_says_so():
    fig = trials_figure(to_frame([Trial(1, "stream", None, None, None, "boom")]))
    assert not fig.data and "No successful trials" in fig.layout.annotations[0].text
