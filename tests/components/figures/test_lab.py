"""The latency lab's pure figure builders, on hand-made trial and chunk frames."""

from __future__ import annotations

import pytest

from components.figures.lab import (
    distribution_figure,
    ecdf_figure,
    sample_arrival_figure,
    sample_trials,
    timeline_figure,
)
from components.figures.theme import FAILED, PALETTE, STATUS_PATTERNS
from streamlab.lab.results import ChunkPoint, TrialResult, chunks_frame, trials_frame


def trial(variant: str, i: int, total: float, *, status: str = "ok") -> TrialResult:
    points = (
        ChunkPoint(0, 10.0, None, ""),
        ChunkPoint(1, 20.0 + i, None, "ab"),
        ChunkPoint(2, total, None, "cd"),
    )
    return TrialResult(
        variant,
        i,
        0,
        status,
        100.0 * i,
        100.0 * i + total,
        20.0 + i,
        total,
        None,
        None,
        3,
        2,
        2,
        "chunks",
        None,
        None,
        None,
        points=points,
    )


TRIALS = [trial("streaming", i, t) for i, t in enumerate([300.0, 310.0, 500.0])] + [
    trial("invoke", 0, 305.0),
    trial("invoke", 1, 40.0, status="failed"),
]


@pytest.mark.parametrize("kind, trace_type", [("box", "box"), ("violin", "violin")])
def test_distribution_has_one_trace_per_configuration_over_successful_trials(kind, trace_type):
    fig = distribution_figure(trials_frame(TRIALS), "total_ms", kind)
    assert [(t.type, t.name, len(t.y)) for t in fig.data] == [
        (trace_type, "streaming", 3),
        (trace_type, "invoke", 1),
    ]
    assert fig.layout.yaxis.title.text == "Total time (ms)"


def test_ecdf_steps_from_the_smallest_to_the_largest_value():
    fig = ecdf_figure(trials_frame(TRIALS), "ttft_ms")
    streaming = fig.data[0]
    assert list(streaming.x) == [20.0, 21.0, 22.0]
    assert list(streaming.y) == pytest.approx([1 / 3, 2 / 3, 1])
    assert streaming.line.shape == "hv"


def test_empty_input_gives_a_note_instead_of_an_error():
    empty = trials_frame([])
    for fig in (
        distribution_figure(empty),
        ecdf_figure(empty),
        timeline_figure(empty),
        sample_arrival_figure(empty, chunks_frame([])),
    ):
        assert fig.layout.annotations and not fig.data


def test_sample_trial_is_the_one_closest_to_the_median_total():
    assert sample_trials(trials_frame(TRIALS)) == {"streaming": 1, "invoke": 0}


def test_sample_arrival_draws_the_chosen_trials_with_their_ttft():
    fig = sample_arrival_figure(trials_frame(TRIALS), chunks_frame(TRIALS))
    lines = [t for t in fig.data if t.mode == "lines"]
    assert [t.name for t in lines] == ["invoke (trial 0)", "streaming (trial 1)"]
    assert list(lines[1].y) == [0, 0, 2, 4]  # cumulative characters


def test_timeline_has_a_bar_per_trial_and_names_failures_in_the_legend():
    fig = timeline_figure(trials_frame(TRIALS))

    assert [(t.name, len(t.base)) for t in fig.data] == [("streaming", 3), ("invoke", 1), ("failed", 1)]
    failed = fig.data[-1]
    assert (failed.marker.color, failed.marker.pattern.shape) == (FAILED, STATUS_PATTERNS["failed"])
    assert failed.hovertext == ("invoke trial 1: failed",)


def test_every_lab_chart_gives_a_configuration_the_same_colour():
    trials, chunks = trials_frame(TRIALS), chunks_frame(TRIALS)
    figures = [
        distribution_figure(trials, "total_ms"),
        ecdf_figure(trials),
        timeline_figure(trials),
        sample_arrival_figure(trials, chunks),
    ]

    def color(trace) -> str:
        return trace.line.color if trace.type == "scatter" else trace.marker.color

    for fig in figures:
        named = {t.name.split(" (")[0]: color(t) for t in fig.data if t.name and t.name != "failed"}
        assert {named["streaming"], named["invoke"]} == {PALETTE[0], PALETTE[1]}
        assert named["streaming"] == PALETTE[0]
