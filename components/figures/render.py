"""Draw a figure as the theme made it, with the chart in words under it.

`st.plotly_chart`'s default `theme="streamlit"` swaps in Streamlit's template, so every chart goes
through `render_figure`, which keeps the app's template (components/figures/theme.py). A chart is
a drawing a screen reader cannot read: an expander under it says what it shows (alt_text.py).
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from components.figures.alt_text import to_alt_text
from components.figures.theme import for_presenter
from components.presenter import presenting
from streamlab.client.untrusted import as_text

__all__ = ["ALT_TEXT_LABEL", "render_figure"]

ALT_TEXT_LABEL = "The chart as text"


def render_figure(fig: go.Figure, *, key: str | None = None) -> None:
    """`st.plotly_chart` with the figure's own template, at the container's width, then its text.

    One container holds both, so a caller's `st.empty()` slot still holds one element. Series
    names can be learner text (lab configurations): every line is shown as plain text.
    """
    fig = for_presenter(fig) if presenting() else fig  # presenter mode: chart text at 20 px
    with st.container():
        st.plotly_chart(fig, theme=None, key=key)
        with st.expander(ALT_TEXT_LABEL, icon=":material/notes:"):
            st.markdown("\n".join(f"- {as_text(line)}" for line in to_alt_text(fig)))
