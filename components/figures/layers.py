"""Sent by server → received by LangChain → shown in browser: one arrival curve per layer.

The server's and LangChain's curves nearly coincide, so the server's is drawn wide and pale
underneath; each layer's first token is marked. Pure: a `to_layers_frame` table in, a figure out.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from components.figures.theme import LAYER_COLORS, empty_figure, new_figure
from streamlab.measure.layers import BROWSER, LANGCHAIN, LAYERS, SERVER

__all__ = ["layers_figure"]

_LINE_WIDTH = {SERVER: 6, LANGCHAIN: 2, BROWSER: 2}
_OPACITY = {SERVER: 0.45}


def layers_figure(frame: pd.DataFrame) -> go.Figure:
    """Cumulative characters per layer over ms since the request start, first token marked."""
    if frame.empty:
        return empty_figure("No layer measured yet: press Run.")
    traces: list[dict[str, Any]] = []  # built first, then one figure (see `new_figure`)
    for layer in LAYERS:
        rows = frame[frame["layer"] == layer].sort_values("t_ms", kind="stable")
        if rows.empty:
            continue
        color = LAYER_COLORS[layer]
        t, total = rows["t_ms"].tolist(), rows["cum_chars"].tolist()
        traces.append(
            {
                "type": "scatter",
                "name": layer,
                "x": [0.0, *t],
                "y": [0, *total],
                "mode": "lines",
                "line": {"shape": "hv", "color": color, "width": _LINE_WIDTH[layer]},
                "opacity": _OPACITY.get(layer, 1.0),
                "legendgroup": layer,
            }
        )
        traces.append(
            {
                "type": "scatter",
                "name": f"first token {layer}",
                "x": [t[0]],
                "y": [total[0]],
                "mode": "markers",
                "marker": {"color": color, "size": 10},
                "legendgroup": layer,
                "showlegend": False,
                "hovertemplate": f"{layer}: first token at %{{x:.1f}} ms<extra></extra>",
            }
        )
    return new_figure(
        *traces,
        xaxis={"title": {"text": "ms since request start"}},
        yaxis={"title": {"text": "cumulative chars"}},
        height=340,
    )
