from __future__ import annotations

from components.figures.counts import AT_ONCE, STREAMED, count_bars_figure
from components.figures.loop import ticks_figure


def test_ticks_figure_draws_a_step_line_per_run_and_the_free_loop_reference():
    fig = ticks_figure({"sync": ([], 0.5), "async": ([0.02, 0.04, 0.06], 0.07)})
    sync, free_run, reference = fig.data
    assert sync.name == "sync: 0 ticks" and list(sync.y) == [0, 0]
    assert list(sync.x) == [0.0, 500.0]
    assert free_run.name == "async: 3 ticks" and list(free_run.y) == [0, 1, 2, 3, 3]
    assert list(reference.x) == [0.0, 500.0] and list(reference.y) == [0, 25.0]


def test_count_bars_figure_keeps_order_and_marks_single_chunk_runs():
    fig = count_bars_figure({"llm": 40, "llm | plain function": 1})
    bar = fig.data[0]
    assert list(bar.y) == ["llm", "llm | plain function"]
    assert list(bar.x) == [40, 1]
    assert list(bar.marker.color) == [STREAMED, AT_ONCE]
