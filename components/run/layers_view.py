"""Sent by server → received by LangChain → shown in browser, for one run.

A three-row table (first/last token per layer) and the arrival curve of each layer on one
time axis. `layers_figure` is pure (unit-tested); `render_layers` draws both.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from streamlab.measure.layers import BROWSER, LANGCHAIN, LAYERS, SERVER, LayerSummary, to_summary_table

__all__ = ["LAYER_COLORS", "layers_figure", "layers_notes", "render_layers"]

LAYER_COLORS = dict(zip(LAYERS, ("#9D755D", "#E45756", "#4C78A8"), strict=True))
# Server and LangChain curves nearly coincide: draw the server's wide and pale underneath.
_LINE_STYLE = {SERVER: {"width": 6}, LANGCHAIN: {"width": 2}, BROWSER: {"width": 2}}
_OPACITY = {SERVER: 0.45}
_MARGIN = {"l": 10, "r": 10, "t": 30, "b": 40}


def layers_figure(frame: pd.DataFrame) -> go.Figure:
    """Cumulative characters per layer over ms since the request start, first token marked."""
    fig = go.Figure()
    if frame.empty:
        fig.add_annotation(
            text="No layer measured yet: press Run.",
            showarrow=False,
            xref="paper",
            yref="paper",
            x=0.5,
            y=0.5,
        )
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        return fig
    for layer in LAYERS:
        rows = frame[frame["layer"] == layer].sort_values("t_ms", kind="stable")
        if rows.empty:
            continue
        color = LAYER_COLORS[layer]
        t, total = rows["t_ms"].tolist(), rows["cum_chars"].tolist()
        fig.add_trace(
            go.Scatter(
                name=layer,
                x=[0.0, *t],
                y=[0, *total],
                mode="lines",
                line={"shape": "hv", "color": color, **_LINE_STYLE[layer]},
                opacity=_OPACITY.get(layer, 1.0),
                legendgroup=layer,
            )
        )
        fig.add_trace(
            go.Scatter(
                name=f"first token {layer}",
                x=[t[0]],
                y=[total[0]],
                mode="markers",
                marker={"color": color, "size": 9},
                legendgroup=layer,
                showlegend=False,
                hovertemplate=f"{layer}: first token at %{{x:.1f}} ms<extra></extra>",
            )
        )
    fig.update_layout(
        xaxis_title="ms since request start",
        yaxis_title="cumulative chars",
        hovermode="closest",
        margin=_MARGIN,
        height=320,
        legend={"orientation": "h", "y": 1.12},
    )
    return fig


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
        st.plotly_chart(layers_figure(frame), key=f"{key}_chart")
