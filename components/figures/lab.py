"""Figures for the latency lab: distributions, TTFT ECDF, a sample run's arrival, trial timeline.

Pure `*_figure` builders take the lab's trial/chunk frames (streamlab.lab.experiments) and return
a `go.Figure`; empty input gives a figure with a note. `render_*` hand them to Streamlit.
"""

from __future__ import annotations

import html
from typing import Literal

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components.figures.charts import arrival_figure, empty_figure
from streamlab.lab.stats import METRIC_LABELS, ecdf

__all__ = [
    "distribution_figure",
    "ecdf_figure",
    "render_lab_figure",
    "sample_arrival_figure",
    "sample_trials",
    "timeline_figure",
]

_COLORS = ["#4C78A8", "#E45756", "#54A24B", "#F58518", "#B279A2", "#72B7B2", "#9D755D", "#EECA3B"]
_STATUS_COLORS = {"ok": None, "failed": "#D62728", "stopped": "#BAB0AC"}
_MARGIN = {"l": 10, "r": 10, "t": 30, "b": 40}


def _axis_title(metric: str) -> str:
    label, unit = METRIC_LABELS.get(metric, (metric, ""))
    return f"{label} ({unit})" if unit else label


def _ok(frame: pd.DataFrame, metric: str) -> pd.DataFrame:
    return frame[(frame["status"] == "ok") & frame[metric].notna()]


def distribution_figure(
    frame: pd.DataFrame, metric: str = "ttft_ms", kind: Literal["box", "violin"] = "box"
) -> go.Figure:
    """One box (or violin) per configuration over its successful trials, every trial as a dot."""
    ok = _ok(frame, metric) if not frame.empty else frame
    if ok.empty:
        return empty_figure(f"No successful trial has a {_axis_title(metric)} yet.")
    fig = go.Figure()
    for i, (variant, group) in enumerate(ok.groupby("variant", sort=False)):
        common = {"name": str(variant), "y": group[metric].tolist(), "marker_color": _COLORS[i % 8]}
        if kind == "violin":
            fig.add_trace(go.Violin(**common, box_visible=True, meanline_visible=True, points="all"))
        else:
            fig.add_trace(go.Box(**common, boxpoints="all", jitter=0.4, pointpos=0, boxmean="sd"))
    fig.update_layout(yaxis_title=_axis_title(metric), showlegend=False, margin=_MARGIN)
    return fig


def ecdf_figure(frame: pd.DataFrame, metric: str = "ttft_ms") -> go.Figure:
    """Share of trials at or below each value, one step line per configuration."""
    ok = _ok(frame, metric) if not frame.empty else frame
    if ok.empty:
        return empty_figure("No successful trials yet: the ECDF needs at least one.")
    fig = go.Figure()
    for i, (variant, group) in enumerate(ok.groupby("variant", sort=False)):
        x, y = ecdf(group[metric])
        fig.add_trace(
            go.Scatter(
                name=str(variant),
                x=x,
                y=y,
                mode="lines+markers",
                line={"shape": "hv", "color": _COLORS[i % 8]},
                marker={"size": 5},
            )
        )
    fig.add_hline(y=0.5, line_dash="dot", line_color="#888", annotation_text="median")
    fig.update_layout(
        xaxis_title=_axis_title(metric),
        yaxis_title="share of trials ≤ x",
        yaxis_range=[0, 1.02],
        margin=_MARGIN,
    )
    return fig


def sample_trials(frame: pd.DataFrame) -> dict[str, int]:
    """Per configuration, the successful trial whose total time is closest to its median."""
    chosen: dict[str, int] = {}
    for variant, group in frame[frame["status"] == "ok"].groupby("variant", sort=False):
        distance = (group["total_ms"] - group["total_ms"].median()).abs()
        chosen[str(variant)] = int(group.loc[distance.idxmin(), "trial"])
    return chosen


def sample_arrival_figure(trials: pd.DataFrame, chunks: pd.DataFrame) -> go.Figure:
    """Cumulative characters over time for one typical trial of each configuration."""
    picks = sample_trials(trials) if not trials.empty else {}
    if not picks or chunks.empty:
        return empty_figure("No successful trial to draw yet.")
    wanted = (
        pd.Series(list(zip(chunks["variant"], chunks["trial"], strict=True)))
        .isin(list(picks.items()))
        .to_numpy()
    )
    sample = chunks[wanted]
    runs = sample.assign(label=sample["variant"] + " (trial " + sample["trial"].astype(str) + ")")
    ttft = {
        f"{v} (trial {t})": trials.loc[
            (trials["variant"] == v) & (trials["trial"] == t), "ttft_ms"
        ].iloc[0]
        for v, t in picks.items()
    }
    return arrival_figure(runs[["label", "branch", "t_ms", "chars"]], ttft)


def timeline_figure(frame: pd.DataFrame) -> go.Figure:
    """Each trial as a bar on the experiment's clock: overlapping bars are concurrency at work."""
    if frame.empty:
        return empty_figure("No trials yet.")
    order = frame.sort_values("started_ms").reset_index(drop=True)
    colors = {v: _COLORS[i % 8] for i, v in enumerate(dict.fromkeys(frame["variant"]))}
    fig = go.Figure()
    for variant, group in order.groupby("variant", sort=False):
        fig.add_trace(
            go.Bar(
                name=str(variant),
                orientation="h",
                y=group.index.tolist(),
                base=group["started_ms"].tolist(),
                x=(group["ended_ms"] - group["started_ms"]).clip(lower=1).tolist(),
                marker_color=[_STATUS_COLORS[s] or colors[variant] for s in group["status"]],
                hovertext=[
                    f"{html.escape(str(variant))} trial {t}: {s}"
                    for t, s in zip(group["trial"], group["status"], strict=True)
                ],
                hoverinfo="text",
            )
        )
    fig.update_layout(
        barmode="overlay",
        xaxis_title="ms since the experiment started",
        yaxis_title="trials (by start)",
        height=160 + min(len(order), 200) * 3,
        margin=_MARGIN,
    )
    fig.update_yaxes(autorange="reversed", showticklabels=False)
    return fig


def render_lab_figure(fig: go.Figure, *, key: str) -> None:
    st.plotly_chart(fig, key=key)
