"""Box plot of repeated stream-vs-invoke trials: TTFT and total time, every trial as a dot.

`trials_figure` is pure (the `streamlab.measure.trials.to_frame` table in, a figure out); a box per
mode and metric shows the spread that a single run hides.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components.figures.render import render_figure
from components.figures.theme import MODE_COLORS, NEUTRAL, empty_figure, new_figure

__all__ = ["render_trials", "trials_figure"]

_METRICS = {"ttft_ms": "Time to first text", "total_ms": "Total time"}


def trials_figure(frame: pd.DataFrame) -> go.Figure:
    """Grouped boxes: x = metric, one colour per mode, all points drawn next to each box."""
    ok = frame[frame["error"].isna()] if "error" in frame.columns else frame
    if ok.empty:
        return empty_figure("No successful trials yet: press Run.")
    fig = new_figure()
    for mode, group in ok.groupby("mode", sort=False):
        long = group.melt(["trial"], list(_METRICS), var_name="metric", value_name="ms")
        fig.add_trace(
            go.Box(
                name=str(mode),
                x=long["metric"].map(_METRICS),
                y=long["ms"],
                boxpoints="all",
                jitter=0.4,
                pointpos=0,
                marker_color=MODE_COLORS.get(str(mode), NEUTRAL),
                customdata=long["trial"],
                hovertemplate="trial %{customdata}: %{y:.0f} ms<extra>" + str(mode) + "</extra>",
            )
        )
    fig.update_layout(
        boxmode="group",
        yaxis_title="ms since request start",
        legend_title_text="mode",
        yaxis_rangemode="tozero",
    )
    return fig


def render_trials(frame: pd.DataFrame, *, key: str | None = None) -> None:
    render_figure(trials_figure(frame), key=key)
