"""When the text arrives: cumulative characters (or tokens) over time, one step line per run.

`arrival_figure` is pure (recorder frames in, a figure out); `render_arrival` draws it. Each
line's TTFT is a dotted line with a label, so "text appeared earlier" reads off the chart.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from components.figures.render import render_figure
from components.figures.theme import (
    PALETTE,
    PRESENTER_FONT_SIZE,
    empty_figure,
    label_color,
    new_figure,
)

__all__ = ["arrival_figure", "free_row", "label_extent", "line_keys", "render_arrival", "ttft_label"]

_LABEL_ROW = 0.07  # share of the plot's height between two TTFT labels
# A label's width on the time axis, estimated for the narrowest plot a lesson draws (the centered
# layout) at the largest chart font (presenter mode): if labels clear each other there, they do
# everywhere.
_PLOT_PX = 600
_CHAR_PX = 0.6 * PRESENTER_FONT_SIZE
_GAP_PX = 8


def line_keys(frame: pd.DataFrame) -> pd.Series:
    """One key per plotted line: the run label, plus " · branch" when a parallel branch is set."""
    label_column = "label" if "label" in frame.columns else "run"  # the recorder calls it "run"
    labels = frame[label_column].astype(str)
    if "branch" not in frame.columns:
        return labels
    branch = frame["branch"]
    return labels.where(branch.isna(), labels + " · " + branch.astype(str))


def arrival_figure(
    runs: pd.DataFrame | Iterable[pd.DataFrame],
    ttft_ms: Mapping[str, float | None] | None = None,
    *,
    unit: str = "chars",
    colors: Mapping[str, str] | None = None,
) -> go.Figure:
    """Cumulative characters (or tokens, `unit="tokens"`) over time, one step line per run/branch.

    `runs`: recorder frames (`t_ms`, `label` or `run`, optional `branch`, `chars`/`cum_chars`).
    `ttft_ms` maps a line key (see `line_keys`: the label, or "label · branch") to its TTFT;
    other lines get the time of their first non-empty chunk (a run's TTFT is its fastest
    branch's, so it is not reused for branches). Each TTFT is a dotted line plus a marker.
    `colors` pins a line key's colour (the lab's configurations); other lines take the palette's.
    """
    frame = runs if isinstance(runs, pd.DataFrame) else pd.concat(list(runs) or [pd.DataFrame()])
    if frame.empty:
        return empty_figure("Nothing streamed yet: run a chain to see when the text arrives.")
    frame = frame.assign(_line=line_keys(frame)).sort_values("t_ms", kind="stable")
    span = max(float(frame["t_ms"].max()), 1.0)
    traces: list[dict[str, Any]] = []
    shapes: list[dict[str, Any]] = []
    labels: list[dict[str, Any]] = []
    rows: list[list[tuple[float, float]]] = []  # per label row: the spans already taken
    for i, (line_key, group) in enumerate(frame.groupby("_line", sort=False)):
        key = str(line_key)
        color = (colors or {}).get(key) or PALETTE[i % len(PALETTE)]  # TTFT marks share it
        t, total = _cumulative(group, unit)
        line = {"shape": "hv", "color": color, "width": 3}  # text arrives in steps, one per chunk
        traces.append(
            {"type": "scatter", "name": key, "x": [0.0, *t], "y": [0, *total], "mode": "lines"}
            | {"line": line, "legendgroup": key}
        )
        ttft = _lookup_ttft(ttft_ms, key, group)
        if ttft is not None:
            left = ttft > 0.7 * span  # a late TTFT: label inside the plot, to its left
            extent = label_extent(ttft_label(ttft), ttft, span, left=left)
            row = free_row(extent, rows)
            _add_ttft(traces, shapes, labels, key, ttft, color, left=left, row=row)
    return new_figure(
        *traces,
        shapes=shapes,
        annotations=labels,
        xaxis={"title": {"text": "ms since request start"}},
        yaxis={"title": {"text": f"cumulative {unit}"}},
        hovermode="x unified",
    )


def ttft_label(ttft: float) -> str:
    return f"TTFT {ttft:.0f} ms"


def label_extent(text: str, x: float, span: float, *, left: bool) -> tuple[float, float]:
    """The stretch of the time axis (ms) a label at `x` covers, gap included."""
    width = (len(text) * _CHAR_PX + _GAP_PX) / _PLOT_PX * span
    return (x - width, x) if left else (x, x + width)


def free_row(extent: tuple[float, float], rows: list[list[tuple[float, float]]]) -> int:
    """The first label row where `extent` overlaps no label yet; takes it (a new row if none)."""
    start, end = extent
    for index, taken in enumerate(rows):
        if all(end <= a or start >= b for a, b in taken):
            taken.append(extent)
            return index
    rows.append([extent])
    return len(rows) - 1


def _cumulative(group: pd.DataFrame, unit: str) -> tuple[list[float], list[float]]:
    # Sum per-chunk sizes when present, so each line has its own total even if the frame's
    # running total spans the whole run.
    total = group[unit].fillna(0).cumsum() if unit in group.columns else group[f"cum_{unit}"]
    return group["t_ms"].tolist(), total.tolist()


def _chunk_chars(group: pd.DataFrame) -> pd.Series:
    if "chars" in group.columns:
        return group["chars"].fillna(0)
    return group["cum_chars"].diff().fillna(group["cum_chars"])


def _lookup_ttft(
    ttft_ms: Mapping[str, float | None] | None, key: str, group: pd.DataFrame
) -> float | None:
    if ttft_ms and key in ttft_ms:
        return ttft_ms[key]
    content = group.loc[_chunk_chars(group) > 0, "t_ms"]  # TTFT ignores the empty role chunk
    return float(content.iloc[0]) if len(content) else None


def _add_ttft(
    traces: list[dict[str, Any]],
    shapes: list[dict[str, Any]],
    labels: list[dict[str, Any]],
    key: str,
    ttft: float,
    color: str,
    *,
    left: bool,
    row: int,
) -> None:
    # What `fig.add_vline` draws (a line over the plot's height), without a figure copy per call.
    shapes.append(
        {"type": "line", "x0": ttft, "x1": ttft, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain"}
        | {"line": {"dash": "dot", "color": color, "width": 2}}
    )
    # Close TTFTs (parallel branches) must not overprint: `row` moves a label down.
    labels.append(
        {
            "text": ttft_label(ttft),
            "font": {"color": label_color(color)},  # the line's hue, dark enough to read
            "x": ttft,
            "xanchor": "right" if left else "left",  # a late TTFT: label inside the plot
            "xshift": -3 if left else 3,
            "y": 1 - _LABEL_ROW * row,
            "yref": "paper",
            "yanchor": "top",
            "showarrow": False,
        }
    )
    traces.append(
        {
            "type": "scatter",
            "name": f"TTFT · {key}",
            "x": [ttft],
            "y": [0],
            "mode": "markers",
            "marker": {"symbol": "triangle-up", "size": 14, "color": color},
            "legendgroup": key,
            "showlegend": False,
            "hovertext": [f"TTFT {html.escape(key)}: {ttft:.0f} ms"],
            "hoverinfo": "text",
        }
    )


def render_arrival(
    runs: pd.DataFrame | Iterable[pd.DataFrame],
    ttft_ms: Mapping[str, float | None] | None = None,
    *,
    unit: str = "chars",
    key: str | None = None,
) -> None:
    render_figure(arrival_figure(runs, ttft_ms, unit=unit), key=key)
