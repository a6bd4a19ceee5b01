"""Chunk-count bars: one bar per chain, in order, streamed and all-at-once told apart by legend."""

from __future__ import annotations

from components.figures.counts import count_bars_figure
from components.figures.theme import AT_ONCE, STREAMED


def test_count_bars_figure_when_one_chain_yields_one_chunk_then_its_bar_is_at_once():
    fig = count_bars_figure({"llm": 40, "llm | plain function": 1, "llm | parser": 38})

    streamed, at_once = fig.data
    assert (list(streamed.y), list(streamed.x)) == (["llm", "llm | parser"], [40, 38])
    assert (list(at_once.y), list(at_once.x)) == (["llm | plain function"], [1])
    assert (streamed.marker.color, at_once.marker.color) == (STREAMED, AT_ONCE)
    assert (
        "at once" in at_once.name and "streamed" in streamed.name
    )  # the legend says it, not only colour
    assert list(fig.layout.yaxis.categoryarray) == ["llm", "llm | plain function", "llm | parser"]
    assert fig.layout.barmode == "overlay"  # each bar stays on its own row


def test_count_bars_figure_when_labels_have_counts_then_each_bar_shows_its_number():
    fig = count_bars_figure({"a": 3, "b": 1})

    assert [list(bar.text) for bar in fig.data] == [["3"], ["1"]]
