"""Bar chart of the `streaming=` truth table: chunks and token callbacks per flag and method."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.figures.render import render_figure
from components.figures.theme import FLAG_COLORS, NEUTRAL, TEMPLATE

__all__ = ["flag_chart_figure", "render_flag_chart"]

_PANELS = ("chunks", "on_llm_new_token calls")


def flag_chart_figure(table: pd.DataFrame) -> go.Figure:
    """Two panels (chunks returned, token callbacks), one bar group per method, one colour per flag.

    `table` has the columns of `streamlab.demos.llm_direct.to_flag_table`.
    """
    fig = make_subplots(rows=1, cols=2, subplot_titles=_PANELS)
    for flag, group in table.groupby("streaming=", sort=False):
        color = FLAG_COLORS.get(str(flag), NEUTRAL)
        for col, panel in enumerate(_PANELS, start=1):
            fig.add_trace(
                go.Bar(
                    name=str(flag), x=group["method"].tolist(), y=group[panel].tolist(),
                    marker_color=color, legendgroup=str(flag), showlegend=col == 1,
                    text=group[panel].tolist(), textposition="outside", cliponaxis=False,
                ),
                row=1, col=col,
            )  # fmt: skip
    # Subplot titles sit where a top legend would: put the legend under the panels instead.
    fig.update_layout(
        template=TEMPLATE,
        barmode="group",
        legend_title_text="streaming=",
        legend={"y": -0.15, "yanchor": "top"},
    )
    return fig


def render_flag_chart(table: pd.DataFrame, *, key: str | None = None) -> None:
    render_figure(flag_chart_figure(table), key=key)
