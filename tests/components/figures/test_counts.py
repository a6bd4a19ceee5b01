"""Chunk-count bars: one bar per chain, in order; a one-chunk chain is coloured and labelled at once."""

from __future__ import annotations

from components.figures.counts import count_bars_figure
from components.figures.theme import AT_ONCE, STREAMED


def test_count_bars_figure_when_one_chain_yields_one_chunk_then_its_bar_is_at_once():
    fig = count_bars_figure({"llm": 40, "llm | plain function": 1})

    (bar,) = fig.data
    assert list(bar.y) == ["llm", "llm | plain function"]
    assert list(bar.x) == [40, 1]
    assert list(bar.marker.color) == [STREAMED, AT_ONCE]
    assert list(bar.text) == ["40", "1 · all at once"]  # the label says it, not only the colour
    assert fig.layout.yaxis.autorange == "reversed"  # first label on top
