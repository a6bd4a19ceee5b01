"""Views of "Streaming an LLM directly": the Run's live answer and results, and the flag truth table."""

from __future__ import annotations

import streamlit as st

from components.figures.arrival import render_arrival
from components.figures.flags import render_flag_chart
from components.run.live_output import render_run_error, render_text_stream
from components.run.metric_cards import render_metric_cards
from components.run.panel import RunContext, Saved
from components.run.tables import render_evidence_table
from streamlab.demos.llm_direct import measure_flags, to_flag_table
from streamlab.measure.recorder import StreamRecorder
from streamlab.recipes.llm_direct import invoke_answer, stream_answer

__all__ = ["OUTPUT_KEY", "run_answer", "run_truth_table", "show_answer", "show_truth_table"]

OUTPUT_KEY = "direct_output"  # the browser tests and the paint probe watch this container


def run_answer(ctx: RunContext, question: str, *, streaming: bool) -> Saved:
    """One `llm.stream()` (or `llm.invoke()`) of the question, drawn as it arrives."""
    llm = ctx.model("output")  # the simulator logs when it sent each chunk of this request
    recorder = StreamRecorder(label="llm.stream()" if streaming else "llm.invoke()")
    if streaming:
        live = render_text_stream(recorder.wrap(lambda: stream_answer(llm, question)), key=OUTPUT_KEY)
    else:
        with st.spinner("Waiting for the whole answer…"):
            whole = recorder.wrap(
                lambda: [invoke_answer(llm, question)]
            )  # one chunk, when invoke returns
            live = render_text_stream(whole, key=OUTPUT_KEY)
    ctx.finish("output", recorder)
    return {"output": live, "summary": recorder.summary(), "frame": recorder.to_dataframe()}


def show_answer(saved: Saved) -> None:
    summary = saved["summary"]
    render_metric_cards(summary)
    render_arrival(saved["frame"], {summary["label"]: summary["ttft_ms"]}, key="direct_arrival")


def run_truth_table(ctx: RunContext, question: str) -> Saved:
    """Every `streaming=` value × stream/astream/invoke, each row drawn as soon as it is measured."""
    rows: list = []
    slot = st.empty()
    try:
        for row in measure_flags(lambda kw: ctx.model(None, max_tokens=12, **kw), question):
            rows.append(row)
            slot.dataframe(to_flag_table(rows), hide_index=True)
    except Exception as exc:  # keep the rows measured so far
        render_run_error(exc, partial=bool(rows))
    slot.empty()
    return {"table": to_flag_table(rows)}


def show_truth_table(saved: Saved) -> None:
    if not saved["table"].empty:
        render_evidence_table(saved["table"], key="direct_table_view")  # "what it means" whole
        render_flag_chart(saved["table"], key="direct_flag_chart")
