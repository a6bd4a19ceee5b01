"""Views of "Streaming tool calls": the four steps of one Run (arguments arrive in pieces, their
sum holds the call, the tool runs, the answer streams), drawn live and redrawn from what was kept.

While the arguments stream, redraws are coalesced on a small time budget (a table redraw per
chunk is slow); the chunks are timestamped by `ToolCallLog` before any of this UI work happens.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import streamlit as st
from langchain_core.messages import AIMessageChunk

from components.figures.arrival import render_arrival
from components.run.last_run import render_saved_text
from components.run.live_output import render_run_error, render_text_stream
from components.run.metric_cards import render_metric_cards
from components.run.panel import RunContext, Saved
from streamlab.client.async_bridge import catch_error
from streamlab.client.providers import build_chat_model
from streamlab.client.untrusted import without_remote_images
from streamlab.demos.tool_calls import ToolCallLog
from streamlab.measure.recorder import StreamRecorder
from streamlab.recipes.tool_calls import (
    add_up,
    bind_weather_tool,
    run_tool_calls,
    stream_final_answer,
    stream_tool_call,
)

__all__ = [
    "ANSWER",
    "ANSWER_NOTE",
    "reached_answer",
    "render_args_log",
    "replay_args_log",
    "replay_steps",
    "run_steps",
]

REDRAW_EVERY_S = 0.05
ARGS_SIM = {"ttft_ms": 300, "tokens_per_s": 12}  # slow enough to watch the arguments grow
ANSWER = "final answer"  # the one lane: only the answer is text for the reader
ANSWER_NOTE = (
    "**Here** the clocks start when the **second** request leaves: the arguments and the tool above "
    "happened before t = 0. The answer is the model's own text, so every layer counts the same "
    "characters. The arguments get no layers: they are JSON for the tool, not text for the reader, "
    "and the page redraws them as a code block plus a table (at most every 50 ms), so a browser "
    "clock there would time table redraws, not reading."
)


def run_steps(ctx: RunContext, question: str) -> Saved:
    """The four steps, live; a step that fails or has nothing to go on ends the run there."""
    saved: Saved = {"question": question}
    _draw_steps(saved, ctx)
    return saved


def replay_steps(saved: Saved) -> None:
    """Every step the last run reached, drawn again from what it kept."""
    _draw_steps(saved, None)


def reached_answer(saved: Saved) -> bool:
    """Did the run get as far as the answer's request (the lane timed in layers)?"""
    return "answer" in saved


def _draw_steps(run: Saved, ctx: RunContext | None) -> None:
    """Live when `ctx` is given (filling `run` in step by step), else a replay of `run`."""
    st.subheader("1 · The arguments arrive in pieces")
    with st.container(key="tools_args"):
        if ctx is not None:
            llm_with_tools = bind_weather_tool(build_chat_model(ctx.config, sim=ARGS_SIM))
            run["log"] = ToolCallLog()
            chunks = stream_tool_call(llm_with_tools, run["question"])
            run["chunks"], run["args_error"] = render_args_log(chunks, run["log"])
        else:
            replay_args_log(run["log"], run["args_error"])
    log = run["log"]
    render_metric_cards(log.summary(), columns=("chunks", "Args pieces", "First piece (ms)", "total_ms"))
    render_arrival(log.arrival_frame(), {"tool-call arguments": None}, key="tools_arrival")
    st.caption("Cumulative argument characters over time: they trickle in like text tokens do.")
    if run["args_error"] is not None:
        return
    st.info(
        "**Don't read `chunk.tool_calls` off one chunk.** Each chunk parses only its own slice: "
        "see the last column. The running sum is what holds the whole call."
    )
    st.subheader("2 · The sum of all chunks holds the parsed call")
    message = add_up(run["chunks"])
    if not message.tool_calls:
        st.warning("The model answered in text instead of calling `get_weather`. Ask about the weather.")
        st.markdown(without_remote_images(message.text))
        return
    st.json(message.tool_calls)
    st.subheader("3 · Run the tool with the parsed arguments")
    if ctx is not None:
        run["tools"] = catch_error(run_tool_calls, message)
    results, error = run["tools"]
    if error is not None:  # e.g. a real model sent arguments the tool's schema rejects
        render_run_error(error, partial=False)
        return
    for call, result in zip(message.tool_calls, results, strict=True):
        line = f"{call['name']}.invoke({call['args']}) → {result.content!r}"
        st.code(line, language=None, wrap_lines=True)
    st.subheader("4 · Send the result back: now the answer streams as text")
    if ctx is None:
        render_saved_text(run["answer"], key="tools_answer")
        return
    final_llm = bind_weather_tool(ctx.model(ANSWER))  # this request is the lane timed in layers
    recorder = StreamRecorder(label=ANSWER)
    answer = recorder.wrap(lambda: stream_final_answer(final_llm, run["question"], message, results))
    run["answer"] = render_text_stream(answer, key="tools_answer")
    ctx.finish(ANSWER, recorder)


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
