"""Strip chart: one row per measured runnable, one tick per chunk with text, at its arrival time.

A streaming row is a line of ticks spread over the run; a blocking row is a single tick (or a
tight burst) at the very end. Colours follow the verdict, so the picture matches the table.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

__all__ = ["VERDICT_COLORS", "chunk_strip_figure", "render_chunk_strip"]

VERDICT_COLORS = {"streams": "#54A24B", "partial": "#F58518", "doesn't": "#E45756"}
_HOVER_CHARS = 60


def chunk_strip_figure(
    frames: Sequence[pd.DataFrame], verdicts: Mapping[str, str] | None = None
) -> go.Figure:
    """`frames`: recorder frames (columns `run`, `t_ms`, `text`, `chars`), one per measured row.

    `verdicts` maps a frame's `run` label to "streams" / "partial" / "doesn't" (its colour).
    """
    fig = go.Figure()
    labels: list[str] = []
    for frame in frames:
        if frame.empty:
            continue
        label = str(frame["run"].iloc[0])
        labels.append(label)
        content = frame[frame["chars"] > 0]
        verdict = (verdicts or {}).get(label, "")
        fig.add_trace(
            go.Scatter(
                name=label, x=content["t_ms"].tolist(), y=[label] * len(content), mode="markers",
                marker={"symbol": "line-ns-open", "size": 14, "line": {"width": 2},
                        "color": VERDICT_COLORS.get(verdict, "#4C78A8")},
                hovertext=[_hover(t, s) for t, s in zip(content["t_ms"], content["text"], strict=True)],
                hoverinfo="text", showlegend=False,
            )
        )  # fmt: skip
    if not labels:
        fig.add_annotation(text="Nothing measured yet: press Run.", showarrow=False, x=0.5, y=0.5,
                           xref="paper", yref="paper")  # fmt: skip
        return fig
    fig.update_yaxes(categoryorder="array", categoryarray=labels, autorange="reversed")
    fig.update_layout(
        height=80 + 32 * len(labels), xaxis_title="ms since the stream started (tick = chunk with text)",
        margin={"l": 10, "r": 10, "t": 20, "b": 40},
    )  # fmt: skip
    return fig


def _hover(t_ms: float, text: str) -> str:
    short = text if len(text) <= _HOVER_CHARS else text[: _HOVER_CHARS - 1] + "…"
    return f"+{t_ms:.0f} ms<br>{html.escape(short)}"  # hover labels are HTML: escape model text


def render_chunk_strip(
    frames: Sequence[pd.DataFrame], verdicts: Mapping[str, str] | None = None, *, key: str | None = None
) -> None:
    st.plotly_chart(chunk_strip_figure(frames, verdicts), key=key)
