"""Box plot of repeated stream-vs-invoke trials: TTFT and total time, every trial as a dot.

`trials_figure` is pure (the `streamlab.measure.trials.to_frame` table in, a figure out); a box per
mode and metric shows the spread that a single run hides.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

__all__ = ["render_trials", "trials_figure"]

MODE_COLORS = {"stream": "#4C78A8", "invoke": "#E45756"}
METRICS = {"ttft_ms": "Time to first text", "total_ms": "Total time"}


def trials_figure(frame: pd.DataFrame) -> go.Figure:
    """Grouped boxes: x = metric, one colour per mode, all points drawn next to each box."""
    fig = go.Figure()
    ok = frame[frame["error"].isna()] if "error" in frame.columns else frame
    if ok.empty:
        fig.add_annotation(
            text="No successful trials yet: press Run.",
            showarrow=False,
            xref="paper",
            yref="paper",
            x=0.5,
            y=0.5,
        )
        return fig
    for mode, group in ok.groupby("mode", sort=False):
        long = group.melt(["trial"], list(METRICS), var_name="metric", value_name="ms")
        fig.add_trace(
            go.Box(
                name=str(mode),
                x=long["metric"].map(METRICS),
                y=long["ms"],
                boxpoints="all",
                jitter=0.4,
                pointpos=0,
                marker_color=MODE_COLORS.get(str(mode)),
                customdata=long["trial"],
                hovertemplate="trial %{customdata}: %{y:.0f} ms<extra>" + str(mode) + "</extra>",
            )
        )
    fig.update_layout(
        boxmode="group",
        yaxis_title="ms since request start",
        legend_title_text="mode",
        margin={"l": 10, "r": 10, "t": 30, "b": 40},
        yaxis_rangemode="tozero",
    )
    return fig


def render_trials(frame: pd.DataFrame, *, key: str | None = None) -> None:
    st.plotly_chart(trials_figure(frame), key=key)
