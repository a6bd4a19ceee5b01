"""Views of "astream_events": the Run's live event counter, the capture (warnings, cards, timeline,
a filterable table, JSON download), and the seed's claims checked.

The table is capped (rows and previews): huge intermediate payloads freeze a browser
(langserve #812), so `event_rows.to_dataframe` already cuts each preview and at most ROW_CAP rows
are sent. Filters run on the captured rows, after the run, without capturing again.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.figures.timeline import render_event_timeline
from components.run.layered import langchain_clock_note
from components.run.live_output import render_run_error
from components.run.panel import RunContext, Saved
from components.run.tables import render_evidence_table
from streamlab.client.async_bridge import run_sync
from streamlab.demos.astream_events import (
    capture_claim_runs,
    describe,
    filter_options,
    filter_rows,
    langchain_warnings,
    seed_claims,
    to_claims_table,
)
from streamlab.measure.event_rows import to_dataframe, to_json
from streamlab.measure.event_spans import to_spans
from streamlab.measure.events import CapturedEvents, TimedEvent, Version
from streamlab.recipes.astream_events import (
    CHAIN_NAMES,
    CHAIN_TAGS,
    RUN_TYPES,
    build_seed_chain,
    collect_events,
    collect_model_events,
)

__all__ = [
    "ROW_CAP",
    "LiveEventStatus",
    "pick_filters",
    "render_capture",
    "reset_filters",
    "run_capture",
    "run_claims",
    "show_capture",
    "show_claims",
]

ROW_CAP = 500
REDRAW_EVERY_S = 0.05
TABLE_COLUMNS = ["t_ms", "event", "name", "tags", "parent_ids", "data"]
CLOCK_NOTE = langchain_clock_note("Event times", "the first event")


def pick_filters(*, disabled: bool) -> dict[str, list[str]]:
    """The include_* multiselects (keys `ev_include_*`); only the non-empty ones, none if disabled."""
    choices = {"include_names": CHAIN_NAMES, "include_types": RUN_TYPES, "include_tags": CHAIN_TAGS}
    picked = {
        name: column.multiselect(name, options, key=f"ev_{name}", disabled=disabled)
        for column, (name, options) in zip(st.columns(3), choices.items(), strict=True)
    }
    return {name: values for name, values in picked.items() if values and not disabled}


class LiveEventStatus:
    """`on_event` callback: a running count of events by name, redrawn at most every 50 ms."""

    def __init__(self, slot: DeltaGenerator) -> None:
        self.slot = slot
        self.counts: Counter[str] = Counter()
        self._last = 0.0
        slot.caption(":material/hourglass_top: waiting for the first event…")

    def __call__(self, timed: TimedEvent) -> None:
        self.counts[timed.event["event"]] += 1
        now = time.perf_counter()
        if now - self._last >= REDRAW_EVERY_S:
            self._last = now
            self.draw(timed)

    def draw(self, last: TimedEvent | None = None, *, done: bool = False) -> None:
        top = ", ".join(f"{name} ×{n}" for name, n in self.counts.most_common(4))
        total = sum(self.counts.values())
        if done:
            self.slot.caption(f":material/sensors: {total} events captured ({top})")
            return
        latest = ""
        if last is not None:
            event, name = last.event["event"], last.event["name"]
            latest = f" · latest: `{event}` from {name} at {last.t_ms:,.0f} ms"
        self.slot.caption(f":material/sensors: {total} events so far ({top}){latest}")


def run_capture(
    ctx: RunContext, question: str, version: Version, filters: Mapping[str, list[str]]
) -> Saved:
    """Capture the seed chain's events (v3: the model alone), counting them live."""
    llm = ctx.model()
    live = LiveEventStatus(st.container(key="ev_status").empty())  # keyed for the browser tests
    captured = None
    try:
        if version == "v3":
            work = collect_model_events(llm, question, on_event=live)
        else:
            work = collect_events(build_seed_chain(llm), question, version, on_event=live, **filters)
        captured = run_sync(work)
        reset_filters("ev")  # the new rows may not have the old filter values
    except Exception as exc:
        render_run_error(exc, partial=False)
    live.draw(done=True)
    return {"captured": captured}


def show_capture(saved: Saved) -> None:
    if (captured := saved["captured"]) is not None:
        render_capture(captured, key="ev")
        st.caption(CLOCK_NOTE)


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


def run_claims(ctx: RunContext, question: str) -> Saved:
    """Seven short captures of the seed chain (`max_tokens=8`), compared with the seed's claims."""
    chain = build_seed_chain(ctx.model(max_tokens=8))
    try:
        runs = run_sync(capture_claim_runs(lambda **kw: collect_events(chain, question or "x", **kw)))
    except Exception as exc:
        render_run_error(exc, partial=False)
        return {"claims": None}
    return {"claims": to_claims_table(seed_claims(runs))}


def show_claims(saved: Saved) -> None:
    if (claims := saved["claims"]) is not None:
        render_evidence_table(claims, key="ev_claims_table")  # every observation whole
