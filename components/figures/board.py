"""The class board's charts: how much sooner each learner's streamed first text came, and each
provider and model's time to first text, streamed and not.

Pure `*_figure` builders take the store's records (streamlab.lab.board). Nicknames and model
names come from learners: every one that reaches plotly (whose labels are HTML) is escaped.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import plotly.graph_objects as go

from components.figures.theme import AT_ONCE, STREAMED, empty_figure, new_figure
from streamlab.lab.board import BoardResult, ModelSummary

__all__ = ["MAX_BIN", "model_label", "sooner_bins", "sooner_figure", "ttft_figure"]

MAX_BIN = 20
"""Ratios of this many times or more share the last bar (a far outlier would squash the rest)."""


def sooner_bins(results: Sequence[BoardResult]) -> dict[str, int]:
    """How many results fall in each whole-number band of "N× sooner" ("6×": from 6× up to 7×),
    from the lowest band seen to the highest, empty bands included so the axis reads as a scale."""
    ratios = [r.sooner for r in results if r.sooner is not None]
    if not ratios:
        return {}
    bands = [min(math.floor(x), MAX_BIN) for x in ratios]
    return {_band(b): bands.count(b) for b in range(min(bands), max(bands) + 1)}


def _band(low: int) -> str:
    # Short labels that stay level under the bars: "6×" is the band from 6× up to 7×.
    if low >= MAX_BIN:
        return f"{MAX_BIN}×+"
    return "<1×" if low < 1 else f"{low}×"


def sooner_figure(results: Sequence[BoardResult]) -> go.Figure:
    """Bars: how many shared results saw the streamed first text N× sooner than the whole answer."""
    bins = sooner_bins(results)
    if not bins:
        return empty_figure("No shared result compares streamed and not streamed yet.")
    fig = new_figure(
        go.Bar(
            name="results",
            x=list(bins),
            y=list(bins.values()),
            marker_color=STREAMED,
            text=[str(n) if n else "" for n in bins.values()],  # no "0" crowding the empty bands
            textposition="outside",
            hovertemplate="%{x} sooner: %{y} results<extra></extra>",
        )
    )
    fig.update_layout(
        title="How much sooner the streamed first text came",
        xaxis_title="N× sooner (not streamed ÷ streamed, rounded down)",
        yaxis_title="shared results",
        yaxis_rangemode="tozero",
        yaxis_dtick=1 if max(bins.values()) <= 10 else None,
        showlegend=False,
        margin_t=72,  # as the TTFT chart's: side by side, both plots start at the same height
    )
    return fig


def model_label(kind: str, model: str) -> str:
    """A provider and model as a chart label on two lines (escaped: plotly labels are HTML)."""
    return f"{html.escape(model)}<br>({kind})"


def ttft_figure(models: Sequence[ModelSummary]) -> go.Figure:
    """Grouped bars per provider and model: mean time to first text, streamed and not."""
    if not models:
        return empty_figure("No shared results yet.")
    labels = [model_label(m.provider_kind, m.model) for m in models]
    fig = new_figure()
    for name, color, values in (
        ("streamed", STREAMED, [m.ttft_stream_ms for m in models]),
        ("not streamed", AT_ONCE, [m.ttft_invoke_ms for m in models]),
    ):
        fig.add_trace(
            go.Bar(
                name=name,
                x=labels,
                y=values,
                marker_color=color,
                hovertemplate="%{x}: %{y:,.0f} ms<extra>" + name + "</extra>",
            )
        )
    fig.update_layout(
        title="Time to first text per model (mean)",
        barmode="group",
        yaxis_title="ms since request start",
        yaxis_rangemode="tozero",
        legend_title_text="",
        margin_t=72,  # room for the legend between the title and the plot: neither covers the other
    )
    return fig
