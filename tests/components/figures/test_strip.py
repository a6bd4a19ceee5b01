"""The chunk strip: one row per measured runnable, one tick per chunk with text, coloured by verdict."""

from __future__ import annotations

import pandas as pd

from components.figures.strip import chunk_strip_figure
from components.figures.theme import NEUTRAL, VERDICT_COLORS


def measured(run: str, times: list[float], texts: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"run": run, "t_ms": times, "text": texts, "chars": [len(t) for t in texts]})


def test_chunk_strip_figure_when_rows_measured_then_a_tick_per_text_chunk_in_the_verdict_colour():
    frames = [measured("llm", [5.0, 20.0, 40.0], ["", "a", "b"]), measured("prompt", [1.0], ["<hi>"])]

    fig = chunk_strip_figure(frames, {"llm": "streams"})

    llm, prompt, legend = fig.data
    assert (list(llm.x), list(llm.y)) == ([20.0, 40.0], ["llm", "llm"])  # the empty chunk has no text
    assert (llm.marker.color, prompt.marker.color) == (VERDICT_COLORS["streams"], NEUTRAL)
    assert prompt.hovertext == ("+1 ms<br>&lt;hi&gt;",)  # model text is escaped
    assert list(fig.layout.yaxis.categoryarray) == ["llm", "prompt"]
    assert (legend.name, legend.marker.color) == (
        "streams",
        VERDICT_COLORS["streams"],
    )  # named, not only coloured


def test_chunk_strip_figure_when_every_frame_is_empty_then_a_note_says_press_run():
    fig = chunk_strip_figure([measured("llm", [], [])])

    assert not fig.data and "press Run" in fig.layout.annotations[0].text
