"""Show an `astream_events` capture: live counter, warnings, timeline, a filterable table, JSON.

The table is capped (rows and previews): huge intermediate payloads freeze a browser
(langserve #812), so `events.to_dataframe` already cuts each preview and at most ROW_CAP rows are
sent. Filters run on the captured rows, after the run, without capturing again.
"""

from __future__ import annotations

import time
from collections import Counter

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.figures.charts import render_event_timeline
from streamlab.demos.astream_events import describe, filter_options, filter_rows, langchain_warnings
from streamlab.measure.events import CapturedEvents, TimedEvent, to_dataframe, to_json, to_spans

__all__ = ["ROW_CAP", "LiveEventStatus", "render_capture", "reset_filters"]

ROW_CAP = 500
REDRAW_EVERY_S = 0.05
TABLE_COLUMNS = ["t_ms", "event", "name", "tags", "parent_ids", "data"]


class LiveEventStatus:
    """`on_event` callback: a running count of events by name, redrawn at most every 50 ms."""

    def __init__(self, slot: DeltaGenerator) -> None:
        self.slot = slot
        self.counts: Counter[str] = Counter()
        self._last = 0.0
        slot.caption("⏳ waiting for the first event…")

    def __call__(self, timed: TimedEvent) -> None:
        self.counts[timed.event["event"]] += 1
        now = time.perf_counter()
        if now - self._last >= REDRAW_EVERY_S:
            self._last = now
            self.draw(timed)

    def draw(self, last: TimedEvent | None = None, *, done: bool = False) -> None:
        top = ", ".join(f"{name} ×{n}" for name, n in self.counts.most_common(4))
        if done:
            self.slot.caption(f"📡 {sum(self.counts.values())} events captured ({top})")
            return
        latest = ""
        if last is not None:
            event, name = last.event["event"], last.event["name"]
            latest = f" · latest: `{event}` from {name} at {last.t_ms:,.0f} ms"
        self.slot.caption(f"📡 {sum(self.counts.values())} events so far ({top}){latest}")


def render_capture(captured: CapturedEvents, *, key: str) -> None:
    """Everything about one capture; widget keys start with `key`."""
    for warning in langchain_warnings(captured):
        st.warning(f'Warning captured while running `version="{captured.version}"`: `{warning}`')
    counts = describe(captured)
    cards = [
        ("Events", f"{counts['events']:,}"),
        ("Runs", f"{counts['runs']:,}"),
        ("on_chat_model_stream", f"{counts['on_chat_model_stream']:,}"),
        ("on_llm_stream", f"{counts['on_llm_stream']:,}"),
        ("Total", f"{counts['total_ms']:,.0f} ms"),
    ]
    for column, (label, value) in zip(st.columns(len(cards)), cards, strict=True):
        column.metric(label, value)
    st.markdown("**Timeline** (one bar per run, ticks = stream events; hover for the chunk text)")
    render_event_timeline(to_spans(captured), captured, key=f"{key}_timeline")
    _render_table(captured, key=key)
    st.download_button(
        "Download the events (JSON)",
        to_json(captured, indent=2),
        file_name=f"astream_events_{captured.version}.json",
        mime="application/json",
        key=f"{key}_download",
        on_click="ignore",
    )


def _render_table(captured: CapturedEvents, *, key: str) -> None:
    rows = to_dataframe(captured)
    options = filter_options(rows)
    st.markdown("**Events** (filter the captured rows; previews are cut to 300 characters)")
    columns = st.columns(3)
    events = columns[0].multiselect("Event", options["event"], key=f"{key}_filter_event")
    names = columns[1].multiselect("Name", options["name"], key=f"{key}_filter_name")
    tags = columns[2].multiselect("Tag", options["tags"], key=f"{key}_filter_tag")
    shown = filter_rows(rows, events=events, names=names, tags=tags)
    st.dataframe(
        shown.head(ROW_CAP)[TABLE_COLUMNS],
        hide_index=True,
        key=f"{key}_table",
        column_config={"t_ms": st.column_config.NumberColumn("t (ms)", format="%.1f")},
    )
    more = f" (first {ROW_CAP} shown)" if len(shown) > ROW_CAP else ""
    st.caption(f"{len(shown)} of {len(rows)} events match{more}.")


def reset_filters(key: str) -> None:
    """Forget the table filters (call after a new capture: its rows may not have the old values)."""
    for suffix in ("filter_event", "filter_name", "filter_tag"):
        st.session_state.pop(f"{key}_{suffix}", None)
