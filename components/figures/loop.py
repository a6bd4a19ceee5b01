"""Chart for the "blocked event loop" demo: heartbeat ticks counted while a stream runs.

A free event loop ticks every `every_ms`; a loop held by sync code does not tick at all.
`ticks_figure` is pure (data in, figure out); `render_ticks` hands it to Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from components.figures.render import render_figure
from components.figures.theme import NEUTRAL, new_figure

__all__ = ["render_ticks", "ticks_figure"]


def ticks_figure(runs: Mapping[str, tuple[Sequence[float], float]], every_ms: float = 20.0) -> go.Figure:
    """One step line per run: ticks so far (y) over ms since the stream started (x).

    `runs` maps a label to (tick times in seconds, stream duration in seconds). A dotted
    line shows what a loop that is never blocked would count.
    """
    fig = new_figure()
    longest_ms = 0.0
    for label, (ticks, elapsed_s) in runs.items():
        tick_ms = [t * 1000 for t in ticks]
        end_ms = max([elapsed_s * 1000, *tick_ms])
        longest_ms = max(longest_ms, end_ms)
        fig.add_trace(
            go.Scatter(
                name=f"{label}: {len(tick_ms)} ticks",
                x=[0.0, *tick_ms, end_ms],
                y=[0, *range(1, len(tick_ms) + 1), len(tick_ms)],
                mode="lines",
                line={"shape": "hv", "width": 3},  # the palette's colours, in order
            )
        )
    fig.add_trace(
        go.Scatter(
            name=f"a free loop (1 tick / {every_ms:g} ms)",
            x=[0.0, longest_ms],
            y=[0, longest_ms / every_ms],
            mode="lines",
            line={"dash": "dot", "color": NEUTRAL, "width": 2},
        )
    )
    fig.update_layout(xaxis_title="ms since the stream started", yaxis_title="heartbeat ticks")
    return fig


def render_ticks(
    runs: Mapping[str, tuple[Sequence[float], float]], *, every_ms: float = 20.0, key: str | None = None
) -> None:
    render_figure(ticks_figure(runs, every_ms), key=key)
