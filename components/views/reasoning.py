"""Views of "Reasoning tokens": the thoughts in a collapsed status that fills live, as chat UIs
show them, above the answer; then both first-token times, the two arrival curves, and the efforts
compared. Model text is drawn as plain text (`st.text`), never as HTML.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd
import streamlit as st
from langchain_core.callbacks import get_usage_metadata_callback

from components.figures.arrival import render_arrival
from components.run.live_output import render_run_error
from components.run.panel import RunContext, Saved
from components.words import ms
from streamlab.demos.agent_streaming import AgentEvent, AgentTimeline
from streamlab.demos.reasoning import (
    ANSWER,
    LANE,
    THOUGHTS,
    ThinkingRun,
    arrival_frame,
    compare_efforts,
    latest_heading,
    reasoning_tokens,
)
from streamlab.recipes.reasoning import stream_thinking, thinking

__all__ = [
    "LANES",
    "reached_answer",
    "replay_thinking",
    "run_efforts",
    "run_thinking",
    "show_efforts",
    "show_thinking",
]

StatusState = Literal["running", "complete", "error"]
LANES = {THOUGHTS: "reasoning_thoughts", "answer": "reasoning_answer"}
"""Both texts are timed in three layers; the paint probe and the browser tests watch these keys."""


class ThinkingView:
    """A status ("Thinking: <heading>…", collapsed) that fills with the thoughts, then the answer.

    Live, its label follows the summary's headings and says how long the model thought once the
    answer begins; a replay draws the final label at once (`label`, `state`), with no flicker.
    """

    def __init__(self, label: str = "Thinking…", state: StatusState = "running") -> None:
        with st.container(key="reasoning_status"):
            self.status = st.status(label, expanded=False, state=state)
        with self.status:
            self.thought_slot = st.container(key=LANES[THOUGHTS]).empty()
        self.answer_slot = st.container(key=LANES[ANSWER]).empty()
        self.thoughts = self.answer = ""
        self.heading: str | None = None

    def draw(self, events: list[AgentEvent], *, live: bool = True) -> None:
        """Add `events` and redraw what they changed, once per call: a replay (all events in
        one call) sends each text once, so the browser never sees it grow a second time."""
        thoughts, answer = self.thoughts, self.answer
        for event in events:
            if event.kind == "reasoning token":
                self.thoughts += event.text
            elif event.kind == "answer token":
                if live and not self.answer:  # the first answer word: the thinking is over
                    self.status.update(label=thought_for(event.t_ms), state="complete")
                self.answer += event.text
        if self.thoughts != thoughts:
            self.thought_slot.text(self.thoughts, width="stretch")
            heading = latest_heading(self.thoughts)
            if live and not self.answer and heading and heading != self.heading:
                self.heading = heading
                self.status.update(label=f"Thinking: {heading}…")
        if self.answer != answer:
            self.answer_slot.text(self.answer, width="stretch")

    def stopped(self, error: BaseException, *, partial: bool) -> None:
        self.status.update(label="Stopped", state="error")
        render_run_error(error, partial=partial)


def thought_for(first_answer_ms: float) -> str:
    return f"Thought for {first_answer_ms / 1000:.1f} s"


def run_thinking(ctx: RunContext, question: str, *, model: str, effort: str) -> Saved:
    """One reasoning model call, its thoughts and answer drawn as they arrive; both timed."""
    llm = ctx.model(ANSWER, model=model, **thinking(effort))  # one request: both texts traced
    view, run, error = ThinkingView(), ThinkingRun(), None
    run.start()
    with get_usage_metadata_callback() as usage:
        try:
            for piece, text in stream_thinking(llm, question):
                view.draw([run.stamp(piece, text)])
        except Exception as exc:  # keep what arrived; explain instead of a traceback
            error = exc
            view.stopped(exc, partial=bool(run.timeline.events))
    run.timeline.finish()
    ctx.finish(ANSWER, run.recorders[ANSWER])
    thoughts = run.recorders[THOUGHTS]  # the same request: it has no trace of its own
    layers = ctx.lanes[THOUGHTS].finish(thoughts.to_dataframe(), thoughts.start_ns, None)
    if (server := ctx.lanes[ANSWER].server) is not None:
        layers.server = server.summary()  # the simulator stamped the summary's deltas apart
    return {
        "timeline": run.timeline,
        "error": error,
        "reasoning_tokens": reasoning_tokens(usage.usage_metadata),
        "model": model,
        "effort": effort,
    }


def replay_thinking(saved: Saved) -> None:
    """The status and the answer of the last run, drawn again at once."""
    timeline: AgentTimeline = saved["timeline"]
    answered = timeline.first_ms(LANE, "answer token")
    if saved["error"] is not None:
        view = ThinkingView("Stopped", "error")
    elif answered is not None:
        view = ThinkingView(thought_for(answered), "complete")
    else:
        view = ThinkingView()
    view.draw(timeline.events, live=False)
    if saved["error"] is not None:
        render_run_error(saved["error"], partial=bool(timeline.events))


def reached_answer(saved: Saved) -> bool:
    """Did anything stream (the lanes timed in layers)?"""
    return bool(saved["timeline"].events)


def show_thinking(saved: Saved) -> None:
    """Both first-token times, the gap between them, the hidden tokens, and the arrival curves."""
    timeline: AgentTimeline = saved["timeline"]
    thought = timeline.first_ms(LANE, "reasoning token")
    answer = timeline.first_ms(LANE, "answer token")
    gap = None if thought is None or answer is None else answer - thought
    hidden = saved["reasoning_tokens"]
    cards = [
        ("First thought", ms(thought)),
        ("First answer word", ms(answer)),
        ("Thinking after the first thought", ms(gap)),
        ("Done", ms(timeline.total_ms)),
        ("Reasoning tokens (hidden, billed)", "—" if hidden is None else f"{hidden:,}"),
    ]
    for column, (label, value) in zip(st.columns(len(cards)), cards, strict=True):
        column.metric(label, value)
    if thought is None and timeline.events:
        st.info(
            f"No reasoning summary arrived from `{saved['model']}`: it may not be a reasoning model, "
            "or its server may not send summaries. The answer streamed as usual.",
            icon=":material/info:",
        )
    st.markdown("**When the thoughts and the answer arrived** (characters so far)")
    render_arrival(arrival_frame(timeline), {THOUGHTS: thought, ANSWER: answer}, key="reasoning_arrival")


def run_efforts(ctx: RunContext, question: str, *, model: str) -> Saved:
    """The same question at each effort, one after the other, each row drawn once measured."""
    rows: list[dict[str, object]] = []
    slot = st.empty()
    try:
        for row in compare_efforts(lambda **options: ctx.model(None, model=model, **options), question):
            rows.append({
                "effort": row.effort,
                "first thought (ms)": row.first_thought_ms,
                "first answer word (ms)": row.first_answer_ms,
                "done (ms)": row.done_ms,
                "reasoning tokens": row.reasoning_tokens,
            })  # fmt: skip
            slot.dataframe(pd.DataFrame(rows).round(0), hide_index=True)
    except Exception as exc:  # keep the rows measured so far
        render_run_error(exc, partial=bool(rows))
    slot.empty()
    return {"table": pd.DataFrame(rows).round(0)}


def show_efforts(saved: Saved) -> None:
    if not saved["table"].empty:
        st.dataframe(saved["table"], hide_index=True, key="reasoning_efforts_table")
