"""The run timeline: one bar per runnable in the call tree, stream events as ticks on their bar.

`event_timeline_figure` is pure (`to_spans()` rows and, optionally, the events in; a figure out);
`render_event_timeline` draws it. A step that took no time still gets a visible bar.
"""

from __future__ import annotations

import html
from collections.abc import Hashable, Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from components.figures.render import render_figure
from components.figures.theme import INK, NEUTRAL, RUN_TYPE_COLORS, empty_figure, hover_text, new_figure
from streamlab.measure.event_rows import to_dataframe
from streamlab.measure.events import EventsLike

__all__ = ["EventsInput", "event_timeline_figure", "render_event_timeline"]

EventsInput = pd.DataFrame | EventsLike  # a to_dataframe() table or what it reads
_NBSP = "\u00a0"  # plotly strips leading ASCII spaces from tick labels
_MIN_BAR_SHARE = 0.004  # a prompt can take 0.2 ms: give every bar a visible width


def event_timeline_figure(spans: pd.DataFrame, events: EventsInput | None = None) -> go.Figure:
    """Gantt chart of `to_spans()` rows, one bar per run, with stream events as markers.

    `events` is the `to_dataframe()` table (or anything it accepts); rows whose phase is
    "stream" become markers on their run's bar, with the chunk text on hover.
    """
    if spans.empty:
        return empty_figure("No runs captured yet: run the chain to see its timeline.")
    spans = spans.reset_index(drop=True)
    fig = new_figure(*_span_bars(spans))
    if events is not None:
        fig.add_trace(_stream_markers(spans, _rows_frame(events)))
    fig.update_layout(
        barmode="overlay",  # bar traces are per run type; grouping would shift them off their row
        height=140 + 32 * len(spans),
        legend_title_text="run type",
        xaxis_title="ms since start",
    )
    fig.update_yaxes(
        tickvals=list(range(len(spans))),
        ticktext=_tree_labels(spans),
        tickfont={"family": "monospace"},  # equal-width labels make the indentation line up
        autorange="reversed",  # root on top, like a call tree
    )
    fig.update_xaxes(rangemode="tozero")  # the wait before the first event is part of the story
    return fig


def _rows_frame(events: EventsInput) -> pd.DataFrame:
    return events if isinstance(events, pd.DataFrame) else to_dataframe(events)


def _tree_labels(spans: pd.DataFrame) -> list[str]:
    # Tick labels are right-aligned: pad them to one width so the indent shows.
    labels = [
        _NBSP * 2 * (depth - 1) + "└" + _NBSP + name if depth else name
        for name, depth in zip(spans["name"], spans["depth"], strict=True)
    ]
    width = max(len(label) for label in labels)
    return [label.ljust(width, _NBSP) for label in labels]


def _span_bars(spans: pd.DataFrame) -> list[go.Bar]:
    end = spans["end_ms"].fillna(spans["start_ms"])
    duration = end - spans["start_ms"]
    min_width = max(float(end.max()), 1.0) * _MIN_BAR_SHARE
    bars = []
    for kind, group in spans.groupby("run_type", sort=False):
        rows, spent = group.index, duration[group.index]
        bars.append(
            go.Bar(
                name=str(kind),
                orientation="h",
                y=rows.tolist(),
                base=group["start_ms"].tolist(),
                x=spent.clip(lower=min_width).tolist(),
                width=0.6,  # else plotly sizes each trace's bars by its own row spacing
                marker_color=RUN_TYPE_COLORS.get(str(kind), NEUTRAL),
                hovertext=[
                    _span_hover(row, ms)
                    for row, ms in zip(group.to_dict("records"), spent.tolist(), strict=True)
                ],
                hoverinfo="text",
            )
        )
    return bars


def _span_hover(row: Mapping[Hashable, Any], duration_ms: float) -> str:
    first, count = row["first_stream_ms"], row["n_stream_events"]
    stream = "" if pd.isna(first) else f"<br>{count} stream events, first at {first:.1f} ms"
    return (
        f"<b>{html.escape(str(row['name']))}</b> ({row['run_type']})<br>"
        f"{row['start_ms']:.1f} → {row['start_ms'] + duration_ms:.1f} ms ({duration_ms:.1f} ms){stream}"
    )


def _stream_markers(spans: pd.DataFrame, rows: pd.DataFrame) -> go.Scatter:
    position = {run_id: i for i, run_id in enumerate(spans["run_id"])}
    stream = rows[(rows["phase"] == "stream") & rows["run_id"].isin(list(position))]
    return go.Scatter(
        name="stream events",
        mode="markers",
        x=stream["t_ms"].tolist(),
        y=[position[run_id] for run_id in stream["run_id"]],
        marker={"symbol": "line-ns-open", "size": 14, "color": INK, "line": {"width": 2}},
        hovertext=[
            f"{html.escape(str(name))} +{t:.1f} ms<br>{hover_text(str(text))}"
            for name, t, text in zip(stream["name"], stream["t_ms"], stream["data"], strict=True)
        ],
        hoverinfo="text",
    )


def render_event_timeline(
    spans: pd.DataFrame, events: EventsInput | None = None, *, key: str | None = None
) -> None:
    render_figure(event_timeline_figure(spans, events), key=key)
