"""The chart in words: title, axes, then each series with its values (few points) or ranges (many)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from components.figures.alt_text import MAX_POINTS_LISTED, MAX_SERIES, to_alt_text
from components.figures.arrival import arrival_figure
from components.figures.counts import count_bars_figure
from components.figures.theme import empty_figure, new_figure


def test_to_alt_text_when_arrival_chart_then_names_axes_lines_and_ttft_markers():
    runs = pd.DataFrame(
        {"run": ["stream"] * 3 + ["invoke"], "index": [0, 1, 2, 0], "t_ms": [5.0, 120.0, 160.0, 900.0],
         "text": ["", "Hello", " world", "Hello world"]}
    )  # fmt: skip
    runs = runs.assign(chars=runs["text"].str.len(), branch=None)

    lines = to_alt_text(arrival_figure(runs))

    assert lines == [
        "Horizontal axis: ms since request start; vertical axis: cumulative chars.",
        "stream (line): 0 → 0; 5 → 0; 120 → 5; 160 → 11.",
        "TTFT · stream (points): TTFT stream: 120 ms.",  # its hover text
        "invoke (line): 0 → 0; 900 → 11.",
        "TTFT · invoke (points): TTFT invoke: 900 ms.",
    ]


def test_to_alt_text_when_one_unnamed_horizontal_bar_trace_then_lists_label_and_value():
    fig = count_bars_figure({"prompt | llm": 40, "llm | plain function": 1})

    assert to_alt_text(fig) == [
        "Horizontal axis: chunks with text.",
        "Bars: prompt | llm → 40; llm | plain function → 1.",
    ]


def test_to_alt_text_when_many_points_then_gives_count_and_ranges():
    n = MAX_POINTS_LISTED + 1
    fig = new_figure(
        go.Scatter(name="ticks", x=np.linspace(0.5, 200, n), y=np.arange(n), mode="markers")
    )
    fig.update_layout(title_text="<b>Chunk</b> arrival")

    assert to_alt_text(fig) == [
        "Chunk arrival",
        f"ticks (points): {n} points, x from 0.5 to 200, y from 0 to {n - 1}.",
    ]


def test_to_alt_text_when_points_have_hover_text_then_uses_it_as_plain_text():
    fig = new_figure(
        go.Scatter(
            name="chunks", x=[1, 2], y=[0, 0], mode="markers", hovertext=["&lt;b&gt;Hi", "a<br>b"]
        )
    )

    assert to_alt_text(fig) == ["chunks (points): <b>Hi; a b."]


def test_to_alt_text_when_bars_have_a_base_then_says_from_and_to():
    fig = new_figure(
        go.Bar(name="chain", y=["RunnableSequence"], x=[210.5], base=[12.5], orientation="h")
    )

    assert to_alt_text(fig)[-1] == "chain (bars): RunnableSequence: from 12.5 to 223."


def test_to_alt_text_when_many_horizontal_bars_from_a_base_then_x_spans_what_they_cover():
    n = MAX_POINTS_LISTED + 2
    fig = new_figure(
        go.Bar(
            name="trials",
            y=list(range(n)),
            x=[200.0] * n,
            base=[10.0 * i for i in range(n)],
            orientation="h",
        )
    )

    assert to_alt_text(fig) == [
        f"trials (bars): {n} points, x from 0 to {200 + 10 * (n - 1)}, y from 0 to {n - 1}."
    ]


def test_to_alt_text_when_box_plot_then_gives_spread_and_median():
    fig = new_figure(go.Box(name="stream", y=[30.0, 10.0, 20.0, float("nan")]))

    assert to_alt_text(fig) == ["stream (box plot): 3 values from 10 to 30, median 20."]


@pytest.mark.parametrize(
    "trace",
    [
        go.Scatter(name="legend only", x=[None], y=[None]),  # a legend entry without data
        go.Scatter(name="hidden", x=[1, 2], y=[3, 4], visible="legendonly"),
    ],
)
def test_to_alt_text_when_a_trace_draws_nothing_then_it_is_left_out(trace):
    fig = new_figure(trace, go.Scatter(name="real", x=[1], y=[2], mode="markers"))

    assert to_alt_text(fig) == ["real (points): 1 → 2."]


def test_to_alt_text_when_no_data_then_says_the_empty_figures_message():
    assert to_alt_text(empty_figure("Run the lesson to see the chart.")) == [
        "Run the lesson to see the chart."
    ]


def test_to_alt_text_when_more_series_than_the_limit_then_counts_the_rest():
    traces = [go.Scatter(name=f"s{i}", x=[i], y=[i], mode="markers") for i in range(MAX_SERIES + 3)]

    lines = to_alt_text(new_figure(*traces))

    assert len(lines) == MAX_SERIES + 1 and lines[-1] == "… and 3 more series."
