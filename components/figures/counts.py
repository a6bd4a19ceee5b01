"""Horizontal bars for "how many chunks did each chain yield?" comparisons.

`count_bars_figure` is pure (labels in order → figure); `render_count_bars` draws it. One chunk
means the chain delivered everything at once: those bars take the "at once" colour and say so
in their label, so the colour is never the only cue.
"""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go

from components.figures.render import render_figure
from components.figures.theme import AT_ONCE, STREAMED, new_figure

__all__ = ["count_bars_figure", "render_count_bars"]


def count_bars_figure(counts: Mapping[str, int], *, x_title: str = "chunks with text") -> go.Figure:
    labels = list(counts)
    values = [counts[label] for label in labels]
    fig = new_figure(
        go.Bar(
            x=values,
            y=labels,
            orientation="h",
            text=[f"{value} · all at once" if value <= 1 else str(value) for value in values],
            textposition="auto",
            marker_color=[AT_ONCE if value <= 1 else STREAMED for value in values],
        )
    )
    fig.update_layout(height=110 + 48 * len(labels), xaxis_title=x_title)
    fig.update_yaxes(autorange="reversed", tickfont={"family": "monospace"})
    return fig


def render_count_bars(
    counts: Mapping[str, int], *, x_title: str = "chunks with text", key: str | None = None
) -> None:
    render_figure(count_bars_figure(counts, x_title=x_title), key=key)
