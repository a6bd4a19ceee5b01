"""Sent by server → received by LangChain → shown in browser, for one run.

A three-row table (first/last token per layer) and the arrival curve of each layer on one
time axis (`components.figures.layers`); `render_layers` draws both.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from components.figures.layers import layers_figure
from components.figures.render import render_figure
from streamlab.measure.layers import BROWSER, SERVER, LayerSummary, to_summary_table

__all__ = ["layers_notes", "render_layers"]


def layers_notes(summaries: Sequence[LayerSummary]) -> list[str]:
    """Why a layer has no numbers, in the learner's words."""
    by_layer = {s["layer"]: s for s in summaries}
    notes = []
    if by_layer[SERVER]["first_ms"] is None:
        notes.append(
            "*Sent by server* is measured only by the embedded simulator (or the run sent no text)."
        )
    if by_layer[BROWSER]["first_ms"] is None:
        notes.append(
            "*Shown in browser* arrives from your browser right after the run "
            "(it needs a real browser tab, and text that was shown)."
        )
    return notes


def render_layers(summaries: Sequence[LayerSummary], frame: pd.DataFrame, *, key: str) -> None:
    """The table, then the curves; `key` prefixes the widget keys."""
    with st.container(key=key):
        table = to_summary_table(summaries).set_index("layer")
        st.table(table.style.format(precision=1, na_rep="—"))
        for note in layers_notes(summaries):
            st.caption(note)
        render_figure(layers_figure(frame), key=f"{key}_chart")
