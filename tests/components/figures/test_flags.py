"""The `streaming=` truth table chart: two panels, one bar group per method, one colour per flag."""

from __future__ import annotations

import pandas as pd

from components.figures.flags import flag_chart_figure
from components.figures.theme import FLAG_COLORS

TABLE = pd.DataFrame(
    [
        (flag, method, chunks, chunks)
        for flag, counts in (("unset", (9, 1)), ("streaming=True", (9, 9)), ("streaming=False", (1, 1)))
        for method, chunks in zip(("stream()", "invoke()"), counts, strict=True)
    ],
    columns=["streaming=", "method", "chunks", "on_llm_new_token calls"],
)


def test_flag_chart_figure_when_three_flags_then_each_flag_has_its_colour_and_one_legend_entry():
    fig = flag_chart_figure(TABLE)

    assert [(t.name, t.xaxis) for t in fig.data] == [
        ("unset", "x"), ("unset", "x2"),
        ("streaming=True", "x"), ("streaming=True", "x2"),
        ("streaming=False", "x"), ("streaming=False", "x2"),
    ]  # fmt: skip
    assert all(t.marker.color == FLAG_COLORS[t.name] for t in fig.data)
    assert [t.name for t in fig.data if t.showlegend] == [
        "unset",
        "streaming=True",
        "streaming=False",
    ]
    assert [list(t.text) for t in fig.data if t.name == "streaming=True"] == [["9", "9"]] * 2
