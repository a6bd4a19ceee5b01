"""Bar chart of the `streaming=` truth table: chunks and token callbacks per flag and method."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

__all__ = ["flag_chart_figure", "render_flag_chart"]

_FLAG_COLORS = {"unset": "#4C78A8", "streaming=True": "#54A24B", "streaming=False": "#E45756"}
_PANELS = ("chunks", "on_llm_new_token calls")


def flag_chart_figure(table: pd.DataFrame) -> go.Figure:
    """Two panels (chunks returned, token callbacks), one bar group per method, one colour per flag.

    `table` has the columns of `streamlab.demos.llm_direct.to_flag_table`.
    """
    fig = make_subplots(rows=1, cols=2, subplot_titles=_PANELS)
    for flag, group in table.groupby("streaming=", sort=False):
        color = _FLAG_COLORS.get(str(flag), "#BAB0AC")
        for col, panel in enumerate(_PANELS, start=1):
            fig.add_trace(
                go.Bar(
                    name=str(flag), x=group["method"].tolist(), y=group[panel].tolist(),
                    marker_color=color, legendgroup=str(flag), showlegend=col == 1,
                    text=group[panel].tolist(), textposition="outside",
                ),
                row=1, col=col,
            )  # fmt: skip
    fig.update_layout(
        barmode="group", legend_title_text="streaming=", margin={"l": 10, "r": 10, "t": 40, "b": 30}
    )
    return fig


def render_flag_chart(table: pd.DataFrame, *, key: str | None = None) -> None:
    st.plotly_chart(flag_chart_figure(table), key=key)
