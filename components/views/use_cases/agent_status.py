"""Agent-style progress: an `st.status` box whose label and steps follow `astream_events`.

Each step is written once, when its event arrives; the tool-call arguments and the answer grow
in place. Answer redraws are coalesced (tokens arrive faster than Markdown re-renders).
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import streamlit as st
from langchain_core.runnables.schema import StreamEvent

from components.run.live_output import render_run_error
from streamlab.demos.use_cases.agent_steps import AgentTrace

__all__ = ["render_agent_steps"]

REDRAW_EVERY_S = 0.05


def render_agent_steps(events: Iterable[StreamEvent]) -> AgentTrace:
    """Consume `events`, drawing every step into a status box and the answer below it."""
    trace = AgentTrace()
    status = st.status(trace.label, expanded=True)
    args_slot = None
    st.markdown("**Answer**")
    answer_slot = st.empty()
    answer_slot.caption("(the answer streams here once the tool has run)")
    last = 0.0
    try:
        for event in events:
            update = trace.apply(event)
            if update == "step":
                status.markdown(trace.steps[-1].line)
                status.update(label=trace.label, expanded=True)
                if trace.steps[-1].icon == "🤔":  # the tool arguments stream in under this step
                    args_slot = status.empty()
            elif update == "args" and args_slot is not None:
                args_slot.code(f"tool_call_chunks so far: {trace.tool_args}", language=None)
            elif update == "answer" and time.perf_counter() - last >= REDRAW_EVERY_S:
                answer_slot.markdown(trace.answer)
                last = time.perf_counter()
    except Exception as exc:  # keep the steps and the partial answer
        status.update(label="Failed", state="error")
        render_run_error(exc, partial=bool(trace.answer))
        return trace
    if trace.answer:
        answer_slot.markdown(trace.answer)
    status.update(label=trace.label, state="complete" if trace.done else "running", expanded=True)
    return trace
