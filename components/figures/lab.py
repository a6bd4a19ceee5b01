"""Figures for the latency lab: distributions, TTFT ECDF, a sample run's arrival, trial timeline.

Pure `*_figure` builders take the lab's trial/chunk frames (streamlab.lab.results) and return
a `go.Figure`; empty input gives a figure with a note. `render_*` hand them to Streamlit.
"""

from __future__ import annotations

import html
from typing import Literal

import pandas as pd
import plotly.graph_objects as go

from components.figures.arrival import arrival_figure
from components.figures.render import render_figure
from components.figures.theme import (
    NEUTRAL,
    PALETTE,
    STATUS_COLORS,
    STATUS_PATTERNS,
    empty_figure,
    new_figure,
)
from streamlab.lab.stats import METRIC_LABELS, ecdf

__all__ = [
    "distribution_figure",
    "ecdf_figure",
    "render_lab_figure",
    "sample_arrival_figure",
    "sample_trials",
    "timeline_figure",
]


def _axis_title(metric: str) -> str:
    label, unit = METRIC_LABELS.get(metric, (metric, ""))
    return f"{label} ({unit})" if unit else label


def _ok(frame: pd.DataFrame, metric: str) -> pd.DataFrame:
    return frame[(frame["status"] == "ok") & frame[metric].notna()]


def _variant_colors(frame: pd.DataFrame) -> dict[str, str]:
    """One palette colour per configuration, in the order they were run, shared by every lab chart."""
    variants = dict.fromkeys(frame["variant"].astype(str)) if not frame.empty else {}
    return {v: PALETTE[i % len(PALETTE)] for i, v in enumerate(variants)}


def distribution_figure(
    frame: pd.DataFrame, metric: str = "ttft_ms", kind: Literal["box", "violin"] = "box"
) -> go.Figure:
    """One box (or violin) per configuration over its successful trials, every trial as a dot."""
    ok = _ok(frame, metric) if not frame.empty else frame
    if ok.empty:
        return empty_figure(f"No successful trial has a {_axis_title(metric)} yet.")
    colors = _variant_colors(frame)
    fig = new_figure()
    for variant, group in ok.groupby("variant", sort=False):
        name = str(variant)
        common = {"name": name, "y": group[metric].tolist(), "marker_color": colors[name]}
        if kind == "violin":
            fig.add_trace(go.Violin(**common, box_visible=True, meanline_visible=True, points="all"))
        else:
            fig.add_trace(go.Box(**common, boxpoints="all", jitter=0.4, pointpos=0, boxmean="sd"))
    fig.update_layout(yaxis_title=_axis_title(metric), showlegend=False)  # the x axis names each box
    return fig


def ecdf_figure(frame: pd.DataFrame, metric: str = "ttft_ms") -> go.Figure:
    """Share of trials at or below each value, one step line per configuration."""
    ok = _ok(frame, metric) if not frame.empty else frame
    if ok.empty:
        return empty_figure("No successful trials yet: the ECDF needs at least one.")
    colors = _variant_colors(frame)
    fig = new_figure()
    for variant, group in ok.groupby("variant", sort=False):
        x, y = ecdf(group[metric])
        fig.add_trace(
            go.Scatter(
                name=str(variant),
                x=x,
                y=y,
                mode="lines+markers",
                line={"shape": "hv", "color": colors[str(variant)], "width": 3},
                marker={"size": 6},
            )
        )
    fig.add_hline(y=0.5, line_dash="dot", line_color=NEUTRAL, annotation_text="median")
    fig.update_layout(
        xaxis_title=_axis_title(metric), yaxis_title="share of trials ≤ x", yaxis_range=[0, 1.02]
    )
    return fig


def sample_trials(frame: pd.DataFrame) -> dict[str, int]:
    """Per configuration, the successful trial whose total time is closest to its median."""
    chosen: dict[str, int] = {}
    for variant, group in frame[frame["status"] == "ok"].groupby("variant", sort=False):
        distance = (group["total_ms"] - group["total_ms"].median()).abs()
        chosen[str(variant)] = int(group["trial"].iloc[distance.argmin()])
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
    colors = _variant_colors(trials)
    line_colors = {f"{v} (trial {t})": colors[v] for v, t in picks.items()}
    return arrival_figure(runs[["label", "branch", "t_ms", "chars"]], ttft, colors=line_colors)


def timeline_figure(frame: pd.DataFrame) -> go.Figure:
    """Each trial as a bar on the experiment's clock: overlapping bars are concurrency at work.

    Successful trials take their configuration's colour; failed and stopped ones are their own
    traces, named in the legend and hatched, so the status never rests on colour alone.
    """
    if frame.empty:
        return empty_figure("No trials yet.")
    order = frame.sort_values("started_ms").reset_index(drop=True)
    colors = _variant_colors(frame)
    ok = order["status"] == "ok"
    fig = new_figure()
    for variant, group in order[ok].groupby("variant", sort=False):
        fig.add_trace(_trial_bars(group, str(variant), colors[str(variant)], ""))
    for status, group in order[~ok].groupby("status", sort=False):
        name = str(status)
        fig.add_trace(
            _trial_bars(group, name, STATUS_COLORS.get(name) or NEUTRAL, STATUS_PATTERNS.get(name, "/"))
        )
    fig.update_layout(
        barmode="overlay",
        xaxis_title="ms since the experiment started",
        yaxis_title="trials (by start)",
        height=180 + min(len(order), 200) * 3,
    )
    fig.update_yaxes(autorange="reversed", showticklabels=False)
    return fig


def _trial_bars(group: pd.DataFrame, name: str, color: str, pattern: str) -> go.Bar:
    return go.Bar(
        name=name,
        orientation="h",
        y=group.index.tolist(),
        base=group["started_ms"].tolist(),
        x=(group["ended_ms"] - group["started_ms"]).clip(lower=1).tolist(),
        marker={"color": color, "pattern": {"shape": pattern}},
        hovertext=[
            f"{html.escape(str(v))} trial {t}: {s}"
            for v, t, s in zip(group["variant"], group["trial"], group["status"], strict=True)
        ],
        hoverinfo="text",
    )


def render_lab_figure(fig: go.Figure, *, key: str) -> None:
    """Draw one of this module's figures (keys are the lab's `lab_res_*` chart keys)."""
    render_figure(fig, key=key)
