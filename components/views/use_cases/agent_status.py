"""Agent-style progress: an `st.status` box whose label and steps follow `astream_events`.

Each step is written once, when its event arrives; the tool-call arguments and the answer grow
in place. Answer redraws are coalesced (tokens arrive faster than Markdown re-renders). The
run's `AgentTrace` is kept, so a rerun draws the finished steps again.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import streamlit as st
from langchain_core.runnables.schema import StreamEvent

from components.run.live_output import render_run_error
from components.run.panel import RunContext, Saved
from streamlab.client.async_bridge import iterate_sync
from streamlab.client.untrusted import without_remote_images
from streamlab.demos.use_cases.agent_steps import CHOOSING, AgentTrace
from streamlab.recipes import use_cases as uc

__all__ = ["render_agent_steps", "replay_agent", "run_agent"]

REDRAW_EVERY_S = 0.05
OUTPUT_KEY = "uc_agent_out"  # keyed for the browser tests


def run_agent(ctx: RunContext, question: str) -> Saved:
    """Run the agent, its events moving the status box on."""
    agent = uc.build_agent(ctx.model())
    with st.container(key=OUTPUT_KEY):
        trace, error = render_agent_steps(iterate_sync(uc.agent_events(agent, question)))
    return {"trace": trace, "error": error}


def replay_agent(saved: Saved) -> None:
    trace, error = saved["trace"], saved["error"]
    with st.container(key=OUTPUT_KEY):
        status = st.status(trace.label, expanded=True)
        for step in trace.steps:
            status.markdown(without_remote_images(step.line))
            if step.icon == CHOOSING and trace.tool_args:
                status.code(f"tool_call_chunks so far: {trace.tool_args}", language=None)
        st.markdown("**Answer**")
        if trace.answer:
            st.markdown(without_remote_images(trace.answer))
        else:
            st.caption("(the answer streams here once the tool has run)")
        if error is not None:
            status.update(label="Failed", state="error")
            render_run_error(error, partial=bool(trace.answer))
        else:
            status.update(state="complete" if trace.done else "running", expanded=True)


def render_agent_steps(events: Iterable[StreamEvent]) -> tuple[AgentTrace, Exception | None]:
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
                status.markdown(without_remote_images(trace.steps[-1].line))
                status.update(label=trace.label, expanded=True)
                if trace.steps[-1].icon == CHOOSING:  # the tool arguments stream in under this step
                    args_slot = status.empty()
            elif update == "args" and args_slot is not None:
                args_slot.code(f"tool_call_chunks so far: {trace.tool_args}", language=None)
            elif update == "answer" and time.perf_counter() - last >= REDRAW_EVERY_S:
                answer_slot.markdown(without_remote_images(trace.answer))
                last = time.perf_counter()
    except Exception as exc:  # keep the steps and the partial answer
        status.update(label="Failed", state="error")
        render_run_error(exc, partial=bool(trace.answer))
        return trace, exc
    if trace.answer:
        answer_slot.markdown(without_remote_images(trace.answer))
    status.update(label=trace.label, state="complete" if trace.done else "running", expanded=True)
    return trace, None
