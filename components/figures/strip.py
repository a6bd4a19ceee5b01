"""Strip chart: one row per measured runnable, one tick per chunk with text, at its arrival time.

A streaming row is a line of ticks spread over the run; a blocking row is a single tick (or a
tight burst) at the very end. Colours follow the verdict, so the picture matches the table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from components.figures.theme import NEUTRAL, VERDICT_COLORS, empty_figure, hover_text, new_figure

__all__ = ["chunk_strip_figure"]

_HOVER_CHARS = 60


def chunk_strip_figure(
    frames: Sequence[pd.DataFrame], verdicts: Mapping[str, str] | None = None
) -> go.Figure:
    """`frames`: recorder frames (columns `run`, `t_ms`, `text`, `chars`), one per measured row.

    `verdicts` maps a frame's `run` label to "streams" / "partial" / "doesn't" (its colour).
    """
    measured = [frame for frame in frames if not frame.empty]
    if not measured:
        return empty_figure("Nothing measured yet: press Run.")
    fig = new_figure()
    labels = [str(frame["run"].iloc[0]) for frame in measured]
    for label, frame in zip(labels, measured, strict=True):
        content = frame[frame["chars"] > 0]
        verdict = (verdicts or {}).get(label, "")
        fig.add_trace(
            go.Scatter(
                name=label, x=content["t_ms"].tolist(), y=[label] * len(content), mode="markers",
                marker={"symbol": "line-ns-open", "size": 16, "line": {"width": 2},
                        "color": VERDICT_COLORS.get(verdict, NEUTRAL)},
                hovertext=[_hover(t, s) for t, s in zip(content["t_ms"], content["text"], strict=True)],
                hoverinfo="text", showlegend=False,
            )
        )  # fmt: skip
    shown = dict.fromkeys((verdicts or {}).get(label, "") for label in labels)
    for name in (v for v in shown if v in VERDICT_COLORS):  # named in the legend, not only coloured
        fig.add_trace(_legend_entry(name))
    fig.update_yaxes(categoryorder="array", categoryarray=labels, autorange="reversed")
    fig.update_layout(
        height=90 + 36 * len(labels), xaxis_title="ms since the stream started (tick = chunk with text)"
    )
    return fig


def _legend_entry(verdict: str) -> go.Scatter:
    return go.Scatter(
        name=verdict, x=[None], y=[None], mode="markers", hoverinfo="skip",
        marker={"symbol": "line-ns-open", "size": 16, "line": {"width": 2},
                "color": VERDICT_COLORS[verdict]},
    )  # fmt: skip


def _hover(t_ms: float, text: str) -> str:
    return f"+{t_ms:.0f} ms<br>{hover_text(text, _HOVER_CHARS)}"
