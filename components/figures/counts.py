"""Horizontal bars for "how many chunks did each chain yield?" comparisons.

`count_bars_figure` is pure (labels in order → figure); `render_count_bars` draws it. One
chunk means the chain delivered everything at once, so those bars are coloured differently.
"""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go
import streamlit as st

__all__ = ["count_bars_figure", "render_count_bars"]

STREAMED, AT_ONCE = "#54A24B", "#E45756"


def count_bars_figure(counts: Mapping[str, int], *, x_title: str = "chunks with text") -> go.Figure:
    labels = list(counts)
    values = [counts[label] for label in labels]
    fig = go.Figure(
        go.Bar(
            x=values,
            y=labels,
            orientation="h",
            text=values,
            textposition="auto",
            marker_color=[AT_ONCE if value <= 1 else STREAMED for value in values],
        )
    )
    fig.update_layout(
        height=80 + 45 * len(labels),
        xaxis_title=x_title,
        margin={"l": 10, "r": 10, "t": 20, "b": 40},
        yaxis={"autorange": "reversed", "automargin": True, "tickfont": {"family": "monospace"}},
    )
    return fig


def render_count_bars(
    counts: Mapping[str, int], *, x_title: str = "chunks with text", key: str | None = None
) -> None:
    st.plotly_chart(count_bars_figure(counts, x_title=x_title), key=key)
