"""Heartbeat ticks: one step line per run and the line a never-blocked loop would draw."""

from __future__ import annotations

from components.figures.loop import ticks_figure
from components.figures.theme import NEUTRAL


def test_ticks_figure_when_one_run_blocks_then_its_line_stays_flat_below_the_free_loop():
    fig = ticks_figure({"sync": ([], 0.5), "async": ([0.02, 0.04, 0.06], 0.07)})

    sync, free_run, reference = fig.data
    assert sync.name == "sync: 0 ticks" and list(sync.y) == [0, 0]
    assert list(sync.x) == [0.0, 500.0]
    assert free_run.name == "async: 3 ticks" and list(free_run.y) == [0, 1, 2, 3, 3]
    assert list(reference.x) == [0.0, 500.0] and list(reference.y) == [0, 25.0]
    assert (reference.line.dash, reference.line.color) == ("dot", NEUTRAL)
