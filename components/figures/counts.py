"""Horizontal bars for "how many chunks did each chain yield?" comparisons.

`count_bars_figure` is pure (labels in order → figure); `render_count_bars` draws it. One chunk
means the chain delivered everything at once: those bars take the "at once" colour and legend
entry, the others the "streamed" ones, and each bar is labelled with its count.
"""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go

from components.figures.render import render_figure
from components.figures.theme import AT_ONCE, STREAMED, new_figure

__all__ = ["count_bars_figure", "render_count_bars"]

_KINDS = {"streamed (several chunks)": STREAMED, "all at once (1 chunk)": AT_ONCE}


def count_bars_figure(counts: Mapping[str, int], *, x_title: str = "chunks with text") -> go.Figure:
    labels = list(counts)
    fig = new_figure()
    for name, color in _KINDS.items():
        at_once = color == AT_ONCE
        shown = [label for label in labels if (counts[label] <= 1) == at_once]
        values = [counts[label] for label in shown]
        fig.add_trace(
            go.Bar(
                name=name,
                x=values,
                y=shown,
                orientation="h",
                text=values,
                textposition="auto",
                marker_color=color,
            )
        )
    fig.update_layout(
        barmode="overlay",  # one bar per row: grouping would shift each off its label
        height=110 + 48 * len(labels),
        xaxis_title=x_title,
    )
    fig.update_yaxes(
        categoryorder="array",
        categoryarray=labels,
        autorange="reversed",
        tickfont={"family": "monospace"},
    )
    return fig


def render_count_bars(
    counts: Mapping[str, int], *, x_title: str = "chunks with text", key: str | None = None
) -> None:
    render_figure(count_bars_figure(counts, x_title=x_title), key=key)
