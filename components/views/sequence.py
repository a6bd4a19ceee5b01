"""Views of "RunnableSequence": each picked chain variant streamed live with its metric cards, then
the table that says which variants kept streaming, their arrival curves and one variant's steps.

Every variant is its own LLM request, so its own lane in the three-layer tables (a tab each).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from components.figures.arrival import render_arrival
from components.figures.timeline import render_event_timeline
from components.run.last_run import render_saved_text
from components.run.live_output import render_run_error, render_text_stream
from components.run.metric_cards import render_metric_cards
from components.run.panel import RunContext, Saved
from components.run.tables import render_evidence_table
from streamlab.measure.event_rows import to_dataframe
from streamlab.measure.event_spans import to_spans
from streamlab.measure.events import capture_events_sync
from streamlab.measure.streamability import MeasuredRun, to_table
from streamlab.recipes.sequence import VARIANTS

__all__ = ["NAMES", "out_key", "replay_variants", "run_variants", "show_comparison"]

NAMES = list(VARIANTS)
CARDS = ("ttft_ms", "total_ms", "chunks", "content_chunks")


def out_key(name: str) -> str:
    """The container of a variant's text: browser tests and the paint probe watch it."""
    return f"seq_out_{NAMES.index(name)}"


def run_variants(ctx: RunContext, chosen: Sequence[str], topic: str, timeline_for: str) -> Saved:
    """Each chosen variant, one after the other, live; then the events of `timeline_for`'s steps."""
    results, lives, summaries = [], {}, []
    for name in chosen:  # one LLM request per variant, each with its own server trace
        st.markdown(f"**{name}**")
        run = MeasuredRun(name)
        chunks = run.stream(VARIANTS[name](ctx.model(name)), topic)
        lives[out_key(name)] = render_text_stream(chunks, key=out_key(name))
        ctx.finish(name, run.recorder)
        summaries.append(run.recorder.summary())
        render_metric_cards(summaries[-1], columns=CARDS, delta_from=_first_of(summaries))
        results.append(run.result())
    timeline_error = None
    try:
        with st.spinner(f"Recording the events of “{timeline_for}”…"):
            captured = capture_events_sync(VARIANTS[timeline_for](ctx.model()), topic)
    except Exception as exc:
        render_run_error(exc, partial=False)
        captured, timeline_error = None, exc
    return {
        **lives,
        "ran": list(chosen),
        "summaries": summaries,
        "table": to_table(results),
        "frames": [m.frame for m in results],
        "ttft": {m.label: m.ttft_ms for m in results},
        "timeline_for": timeline_for,
        "spans": to_spans(captured or []),
        "events": to_dataframe(captured or []),
        "timeline_error": timeline_error,
    }


def replay_variants(saved: Saved) -> None:
    """Every variant's text and cards as the run left them."""
    for index, name in enumerate(saved["ran"]):
        st.markdown(f"**{name}**")
        render_saved_text(saved[out_key(name)], key=out_key(name))
        render_metric_cards(
            saved["summaries"][index],
            columns=CARDS,
            delta_from=_first_of(saved["summaries"][: index + 1]),
        )
    if saved["timeline_error"] is not None:
        render_run_error(saved["timeline_error"], partial=False)


def _first_of(summaries: Sequence[Any]) -> Any:
    """The first variant's summary, as the metric deltas' base (None for the first one itself)."""
    return summaries[0] if len(summaries) > 1 else None


def show_comparison(saved: Saved) -> None:
    """Which variants kept streaming, when their text arrived, and the steps of one of them."""
    st.subheader("Compare the variants")
    render_evidence_table(saved["table"], key="seq_table")  # verdicts and first chunks whole
    st.markdown(
        "**Notice** `first text` vs `LLM done`: after a plain function, or a generator inside "
        "`RunnableLambda`, nothing arrives before the model has finished. `RunnableGenerator`, a bare "
        "generator function and `StrOutputParser` keep streaming; a slow step *before* the LLM shifts "
        "the curve right without flattening it."
    )
    render_arrival(saved["frames"], saved["ttft"], key="seq_arrival")
    st.markdown(f"**Each step** of “{saved['timeline_for']}” (bar: start → end; tick: stream event)")
    render_event_timeline(saved["spans"], saved["events"], key="seq_timeline_chart")
    st.subheader("From the server to your screen, per variant")
    st.markdown(
        "**Notice** in the tabs: after a plain function (or a generator inside `RunnableLambda`) "
        "LangChain and the browser both get the text only after the server finished sending, "
        "while the streaming variants follow the server closely. Upper-cased text can count a few "
        "characters more than the server sent (`shout_words` adds a space after each word)."
    )
