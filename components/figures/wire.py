"""The FastAPI lesson's charts: the wire against the chain on one clock, and milestone bars.

`wire_timeline_figure` puts when the chain yielded (inside the server) above when the client read
bytes, so buffering shows as a gap; `timing_bars_figure` compares headers, first text and end
per variant. Pure: `streamlab.measure.wire` frames in, figures out.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components.figures.theme import (
    LAYER_COLORS,
    MILESTONE_COLORS,
    NEUTRAL,
    empty_figure,
    hover_text,
    new_figure,
)
from streamlab.measure.layers import LANGCHAIN, SERVER

__all__ = ["timing_bars_figure", "wire_timeline_figure"]

_HOVER_CHARS = 60
# The chain runs inside the server; the bytes are read by the client, where LangChain would be.
_CHAIN, _CLIENT = LAYER_COLORS[SERVER], LAYER_COLORS[LANGCHAIN]
_MILESTONES = {"headers_ms": "headers", "first_text_ms": "first text", "end_ms": "done"}


def wire_timeline_figure(
    wire_rows: pd.DataFrame, chain_rows: pd.DataFrame, headers_ms: float | None = None
) -> go.Figure:
    """Two lanes on one clock: when the chain yielded chunks, when the client read bytes."""
    if wire_rows.empty and chain_rows.empty:
        return empty_figure("Nothing sent yet: press Run.")
    fig = new_figure()
    if not chain_rows.empty:
        fig.add_trace(
            go.Scatter(
                name="chain yielded (server)",
                x=chain_rows["t_ms"],
                y=["chain yielded"] * len(chain_rows),
                mode="markers",
                marker={"symbol": "line-ns-open", "size": 18, "color": _CHAIN, "line": {"width": 2}},
                hovertext=[
                    f"chunk {i}: {c} chars"
                    for i, c in zip(chain_rows["chunk"], chain_rows["chars"], strict=True)
                ],
                hoverinfo="text+x",
            )
        )
    if not wire_rows.empty:
        sizes = (6 + wire_rows["wire_bytes"].clip(upper=400) ** 0.5 * 2).tolist()
        fig.add_trace(
            go.Scatter(
                name="bytes read (client)",
                x=wire_rows["t_ms"],
                y=["bytes read"] * len(wire_rows),
                mode="markers",
                marker={"size": sizes, "color": _CLIENT, "opacity": 0.7},
                hovertext=[
                    f"{w} B on the wire, {b} B decoded: {hover_text(repr(t), _HOVER_CHARS)}"
                    for w, b, t in zip(
                        wire_rows["wire_bytes"], wire_rows["body_bytes"], wire_rows["text"], strict=True
                    )
                ],
                hoverinfo="text+x",
            )
        )
    if headers_ms is not None:
        fig.add_vline(
            x=headers_ms,
            line_dash="dot",
            line_color=NEUTRAL,
            annotation_text="headers",
            annotation_position="top right",  # left of the line is the y axis labels
        )
    fig.update_layout(height=280, xaxis_title="ms since the request was sent")
    return fig


def timing_bars_figure(summary: pd.DataFrame) -> go.Figure:
    """Per variant: when the headers, the first text and the end arrived (ms)."""
    if summary.empty:
        return empty_figure("No variant measured yet.")
    fig = new_figure()
    for column, label in _MILESTONES.items():
        fig.add_trace(
            go.Bar(
                name=label,
                y=summary["variant"],
                x=summary[column],
                orientation="h",
                marker_color=MILESTONE_COLORS[label],
            )
        )
    fig.update_layout(
        barmode="group",
        height=140 + 50 * len(summary),
        xaxis_title="ms since request sent",
        yaxis={"autorange": "reversed"},
    )
    return fig
