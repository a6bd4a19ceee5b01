"""Plotly figures for the lessons: run timeline, arrival curves and inter-chunk gaps.

Each chart is a pure `*_figure` builder (data in, `go.Figure` out, unit-tested without
Streamlit) plus a thin `render_*` wrapper that hands the figure to `st.plotly_chart`.
Empty input gives a figure with a note instead of an exception, so a page can draw before Run.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from streamlab.measure.events import CapturedEvents, TimedEvent, to_dataframe

__all__ = [
    "RUN_TYPE_COLORS",
    "arrival_figure",
    "event_timeline_figure",
    "gap_histogram_figure",
    "line_keys",
    "render_arrival",
    "render_event_timeline",
    "render_gap_histogram",
]

# Fixed, so a chat model is the same red on every page and in every run.
RUN_TYPE_COLORS = {
    "chain": "#4C78A8",
    "lambda": "#72B7B2",
    "prompt": "#F58518",
    "chat_model": "#E45756",
    "llm": "#FF9DA6",
    "parser": "#54A24B",
    "retriever": "#B279A2",
    "tool": "#9D755D",
}
_OTHER_COLOR = "#BAB0AC"
EventsInput = pd.DataFrame | CapturedEvents | Iterable[TimedEvent]  # a to_dataframe() table or its input
_LINE_COLORS = ["#4C78A8", "#E45756", "#54A24B", "#F58518", "#B279A2", "#72B7B2", "#9D755D", "#EECA3B"]
_NBSP = "\u00a0"  # plotly strips leading ASCII spaces from tick labels
_HOVER_CHARS = 80
# Tight margins, but axes grow theirs to fit tick labels (long run names, 4-digit counts).
_MARGIN = {"l": 10, "r": 10, "t": 30, "b": 40}
_AXIS = {"automargin": True}
_MIN_BAR_SHARE = 0.004  # a prompt can take 0.2 ms: give every bar a visible width


def empty_figure(message: str) -> go.Figure:
    """A blank figure that says why it is blank (instead of an empty plot or an exception)."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def _hover_text(text: str) -> str:
    short = text if len(text) <= _HOVER_CHARS else text[: _HOVER_CHARS - 1] + "…"
    return html.escape(short).replace("\n", "<br>") or "(empty)"  # hover labels are HTML


# --- timeline ---------------------------------------------------------------------------------


def event_timeline_figure(spans: pd.DataFrame, events: EventsInput | None = None) -> go.Figure:
    """Gantt chart of `to_spans()` rows, one bar per run, with stream events as markers.

    `events` is the `to_dataframe()` table (or anything it accepts); rows whose phase is
    "stream" become markers on their run's bar, with the chunk text on hover.
    """
    if spans.empty:
        return empty_figure("No runs captured yet: run the chain to see its timeline.")
    spans = spans.reset_index(drop=True)
    fig = go.Figure()
    for trace in _span_bars(spans):
        fig.add_trace(trace)
    if events is not None:
        fig.add_trace(_stream_markers(spans, _rows_frame(events)))
    fig.update_layout(
        barmode="overlay",  # bar traces are per run type; grouping would shift them off their row
        height=120 + 28 * len(spans),
        legend_title_text="run type",
        xaxis_title="ms since start",
        margin=_MARGIN,
        xaxis=_AXIS,
        yaxis=_AXIS,
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
        bars.append(
            go.Bar(
                name=str(kind),
                orientation="h",
                y=group.index.tolist(),
                base=group["start_ms"].tolist(),
                x=duration[group.index].clip(lower=min_width).tolist(),
                width=0.6,  # else plotly sizes each trace's bars by its own row spacing
                marker_color=RUN_TYPE_COLORS.get(str(kind), _OTHER_COLOR),
                hovertext=[_span_hover(row, duration[i]) for i, row in group.iterrows()],
                hoverinfo="text",
            )
        )
    return bars


def _span_hover(row: pd.Series, duration_ms: float) -> str:
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
        marker={"symbol": "line-ns-open", "size": 12, "color": "#222", "line": {"width": 2}},
        hovertext=[
            f"{html.escape(str(name))} +{t:.1f} ms<br>{_hover_text(str(text))}"
            for name, t, text in zip(stream["name"], stream["t_ms"], stream["data"], strict=True)
        ],
        hoverinfo="text",
    )


# --- arrival ----------------------------------------------------------------------------------


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
) -> go.Figure:
    """Cumulative characters (or tokens, `unit="tokens"`) over time, one step line per run/branch.

    `runs`: recorder frames (`t_ms`, `label` or `run`, optional `branch`, `chars`/`cum_chars`).
    `ttft_ms` maps a line key (see `line_keys`: the label, or "label · branch") to its TTFT;
    other lines get the time of their first non-empty chunk (a run's TTFT is its fastest
    branch's, so it is not reused for branches). Each TTFT is a dotted line plus a marker.
    """
    frame = runs if isinstance(runs, pd.DataFrame) else pd.concat(list(runs) or [pd.DataFrame()])
    if frame.empty:
        return empty_figure("Nothing streamed yet: run a chain to see when the text arrives.")
    frame = frame.assign(_line=line_keys(frame)).sort_values("t_ms", kind="stable")
    fig = go.Figure()
    for i, (line_key, group) in enumerate(frame.groupby("_line", sort=False)):
        key = str(line_key)
        color = _LINE_COLORS[i % len(_LINE_COLORS)]
        t, total = _cumulative(group, unit)
        line = {"shape": "hv", "color": color}  # text arrives in steps, one per chunk
        fig.add_trace(
            go.Scatter(name=key, x=[0.0, *t], y=[0, *total], mode="lines", line=line, legendgroup=key)
        )
        ttft = _lookup_ttft(ttft_ms, key, group)
        if ttft is not None:
            _add_ttft(fig, key, ttft, color)
    fig.update_layout(
        xaxis_title="ms since request start",
        yaxis_title=f"cumulative {unit}",
        hovermode="x unified",
        margin=_MARGIN,
        xaxis=_AXIS,
        yaxis=_AXIS,
    )
    return fig


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


def _add_ttft(fig: go.Figure, key: str, ttft: float, color: str) -> None:
    fig.add_vline(
        x=ttft,
        line={"dash": "dot", "color": color, "width": 1},
        annotation={"text": f"TTFT {ttft:.0f} ms", "font": {"color": color, "size": 11}},
        annotation_position="top right",
    )
    fig.add_trace(
        go.Scatter(
            name=f"TTFT · {key}",
            x=[ttft],
            y=[0],
            mode="markers",
            marker={"symbol": "triangle-up", "size": 12, "color": color},
            legendgroup=key,
            showlegend=False,
            hovertext=[f"TTFT {html.escape(key)}: {ttft:.0f} ms"],
            hoverinfo="text",
        )
    )


# --- gaps -------------------------------------------------------------------------------------


def gap_histogram_figure(gaps_ms: Mapping[str, Sequence[float]] | pd.DataFrame) -> go.Figure:
    """Histogram of inter-chunk gaps, one overlaid series per label, p50/p95 in the legend.

    Takes `{label: [gap_ms, ...]}` or a recorder frame; from a frame the gaps are measured
    between consecutive non-empty chunks of each line, as in the TTFT/gap definitions.
    """
    series = _gaps_from_frame(gaps_ms) if isinstance(gaps_ms, pd.DataFrame) else dict(gaps_ms)
    series = {label: [float(g) for g in gaps if pd.notna(g)] for label, gaps in series.items()}
    series = {label: gaps for label, gaps in series.items() if gaps}
    if not series:
        return empty_figure("No gaps yet: a stream needs at least two non-empty chunks.")
    fig = go.Figure()
    for i, (label, gaps) in enumerate(series.items()):
        p50, p95 = pd.Series(gaps).quantile([0.5, 0.95]).tolist()
        fig.add_trace(
            go.Histogram(
                name=f"{label} (p50 {p50:.1f} ms · p95 {p95:.1f} ms)",
                x=gaps,
                opacity=0.6,
                marker_color=_LINE_COLORS[i % len(_LINE_COLORS)],
            )
        )
    fig.update_layout(
        barmode="overlay",
        xaxis_title="gap between chunks (ms)",
        yaxis_title="chunks",
        margin=_MARGIN,
        xaxis=_AXIS,
        yaxis=_AXIS,
    )
    return fig


def _gaps_from_frame(frame: pd.DataFrame) -> dict[str, list[float]]:
    if frame.empty:
        return {}
    frame = frame.assign(_line=line_keys(frame)).sort_values("t_ms", kind="stable")
    # Gaps between non-empty chunks only: the role and finish chunks are not text arriving.
    gaps: dict[str, list[float]] = {}
    for key, group in frame.groupby("_line", sort=False):
        gaps[str(key)] = group.loc[_chunk_chars(group) > 0, "t_ms"].diff().dropna().tolist()
    return gaps


# --- render -----------------------------------------------------------------------------------


def render_event_timeline(
    spans: pd.DataFrame, events: EventsInput | None = None, *, key: str | None = None
) -> None:
    st.plotly_chart(event_timeline_figure(spans, events), key=key)


def render_arrival(
    runs: pd.DataFrame | Iterable[pd.DataFrame],
    ttft_ms: Mapping[str, float | None] | None = None,
    *,
    unit: str = "chars",
    key: str | None = None,
) -> None:
    st.plotly_chart(arrival_figure(runs, ttft_ms, unit=unit), key=key)


def render_gap_histogram(
    gaps_ms: Mapping[str, Sequence[float]] | pd.DataFrame, *, key: str | None = None
) -> None:
    st.plotly_chart(gap_histogram_figure(gaps_ms), key=key)
