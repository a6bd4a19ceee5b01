"""Live view of a tool call being streamed: the argument string and the per-chunk table grow.

Redraws are coalesced on a small time budget (a table redraw per chunk is slow); the chunks
are timestamped by `ToolCallLog` before any of this UI work happens.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import streamlit as st
from langchain_core.messages import AIMessageChunk

from components.run.live_output import render_run_error
from streamlab.demos.tool_calls import ToolCallLog

__all__ = ["render_args_log", "replay_args_log"]

REDRAW_EVERY_S = 0.05


def _draw(log: ToolCallLog, args_slot, table_slot) -> None:
    accumulated = log.rows[-1].accumulated if log.rows else ""
    args_slot.code(accumulated or " ", language="json")
    table_slot.dataframe(log.to_dataframe(), hide_index=True)


def _slots():
    st.markdown("**Accumulated arguments** (the running sum's `args` string)")
    args_slot = st.empty()
    st.markdown("**Every chunk**")
    return args_slot, st.empty()


def render_args_log(
    chunks: Iterable[AIMessageChunk], log: ToolCallLog
) -> tuple[list[AIMessageChunk], Exception | None]:
    """Draw the arguments as they grow; return the chunks that arrived, and the error if any."""
    args_slot, table_slot = _slots()
    received: list[AIMessageChunk] = []
    last = 0.0
    try:
        for chunk in log.wrap(chunks):
            received.append(chunk)
            if time.perf_counter() - last >= REDRAW_EVERY_S:
                _draw(log, args_slot, table_slot)
                last = time.perf_counter()
    except Exception as exc:  # keep what arrived; explain instead of a traceback
        _draw(log, args_slot, table_slot)
        render_run_error(exc, partial=bool(received))
        return received, exc
    _draw(log, args_slot, table_slot)
    return received, None


def replay_args_log(log: ToolCallLog, error: Exception | None) -> None:
    """Draw a finished `render_args_log` again from its log (e.g. on the paint probe's rerun)."""
    _draw(log, *_slots())
    if error is not None:
        render_run_error(error, partial=bool(log.rows))
