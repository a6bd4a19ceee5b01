"""The agent timeline: one row per lane (a stream mode or a v3 projection), one marker per piece
it carried, coloured and named by kind, so "which mode emitted what, and when" reads at a glance.

`agent_timeline_figure` is pure (an `AgentTimeline.to_frame()` table in, a figure out);
`render_agent_timeline` draws it.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from components.figures.render import render_figure
from components.figures.theme import (
    BLACK,
    GREEN,
    INK,
    NEUTRAL,
    ORANGE,
    PURPLE,
    SKY,
    STREAMED,
    VERMILLION,
    empty_figure,
    hover_text,
    new_figure,
)
from streamlab.demos.agent_streaming import KINDS

__all__ = ["AGENT_KIND_COLORS", "agent_timeline_figure", "render_agent_timeline"]

# Each kind of piece keeps its colour in every agent lesson; the answer's text is blue, like every
# streamed text in the app. The legend names each kind, so colour is never the only cue.
AGENT_KIND_COLORS = {
    "model step": PURPLE,
    "step": PURPLE,
    "tool-call chunk": ORANGE,
    "tool result": GREEN,
    "reasoning token": SKY,
    "answer token": STREAMED,
    "progress": VERMILLION,
    "state": INK,
    "interrupt": BLACK,
    "empty chunk": NEUTRAL,
}
_SYMBOLS = {
    "empty chunk": "circle-open",
    "model step": "diamond",
    "step": "diamond-open",
    "state": "square",
}


def agent_timeline_figure(frame: pd.DataFrame, lanes: Sequence[str]) -> go.Figure:
    """Markers at each piece's arrival (ms since the run started), one row per lane in `lanes` order."""
    if frame.empty:
        return empty_figure("Nothing streamed yet: press Run to see when each lane emits what.")
    fig = new_figure()
    for kind in KINDS:
        rows = frame[frame["kind"] == kind]
        if rows.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=rows["t_ms"],
                y=rows["lane"],
                mode="markers",
                name=kind,
                marker={
                    "color": AGENT_KIND_COLORS[kind],
                    "size": 11,
                    "symbol": _SYMBOLS.get(kind, "circle"),
                },
                hovertext=[
                    hover_text(f"{t:,.1f} ms · {label}")
                    for t, label in zip(rows["t_ms"], rows["label"], strict=True)
                ],
                hoverinfo="text",
            )
        )
    fig.update_layout(
        height=160 + 45 * len(lanes), legend_title_text="kind", xaxis_title="ms since the run started"
    )
    fig.update_yaxes(
        categoryorder="array", categoryarray=list(lanes), autorange="reversed", title_text="lane"
    )
    fig.update_xaxes(rangemode="tozero")  # the wait for the first model call is part of the story
    return fig


def render_agent_timeline(frame: pd.DataFrame, lanes: Sequence[str], *, key: str) -> None:
    render_figure(agent_timeline_figure(frame, lanes), key=key)
