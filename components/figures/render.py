"""Draw a figure as the theme made it: Streamlit's own chart theme would restyle it.

`st.plotly_chart`'s default `theme="streamlit"` swaps in Streamlit's template, so every chart goes
through `render_figure`, which keeps the app's template (components/figures/theme.py).
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from components.figures.theme import for_presenter
from components.presenter import presenting

__all__ = ["render_figure"]


def render_figure(fig: go.Figure, *, key: str | None = None) -> None:
    """`st.plotly_chart` with the figure's own template, at the container's width."""
    fig = for_presenter(fig) if presenting() else fig  # presenter mode: chart text at 20 px
    st.plotly_chart(fig, theme=None, key=key)
