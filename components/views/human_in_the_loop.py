"""Views of "Human in the loop while streaming": the question streamed until the agent pauses, what
the stream emitted there, the person's review, and the same run resumed and streamed on.

The paused run lives in an `InMemorySaver` kept in `st.session_state` (one per learner), under the
thread of the last question. Lanes are the agent lessons' `LaneBoard`; text is plain, never HTML.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import pandas as pd
import streamlit as st
from langchain.agents.middleware.human_in_the_loop import Decision
from langchain_core.messages import ToolMessage
from langgraph.checkpoint.memory import InMemorySaver

from components.run.live_output import render_run_error
from components.run.panel import RunContext, Saved
from components.sidebar import current_provider
from components.views.agent_streaming import LANE_HINTS, LaneBoard
from components.words import ms
from streamlab.client.providers import build_chat_model
from streamlab.demos.agent_streaming import AgentTimeline
from streamlab.demos.human_in_the_loop import (
    REJECT_MESSAGE,
    Review,
    decide,
    new_thread,
    part_text,
    reviews,
)
from streamlab.recipes.human_in_the_loop import (
    MODES,
    ask_agent,
    build_careful_agent,
    resume_agent,
    waiting_for,
)

__all__ = [
    "ANSWER",
    "ASK_KEY",
    "RESUME_KEY",
    "checkpointer",
    "reached_answer",
    "render_review",
    "replay_ask",
    "replay_resume",
    "run_ask",
    "run_resume",
    "show_pause",
    "show_resume",
    "waiting",
]

ANSWER = "answer"  # the one layered lane: the answer's tokens, in the `messages` lane
ASK_KEY, RESUME_KEY = "hitl_ask_answer", "hitl_resume_answer"  # watched by the probe and browser tests
SAVER_KEY, THREAD_KEY = "hitl_saver", "hitl_thread"
REVIEW_PREFIXES = ("hitl_decision_", "hitl_edit_", "hitl_reject_")


def checkpointer() -> InMemorySaver:
    """This learner's checkpointer: paused runs wait in it between two clicks."""
    if SAVER_KEY not in st.session_state:
        st.session_state[SAVER_KEY] = InMemorySaver()
    saver: InMemorySaver = st.session_state[SAVER_KEY]
    return saver


def waiting(saver: InMemorySaver) -> list[Review]:
    """The gated calls the last question's run is paused on (none once it has finished)."""
    thread = st.session_state.get(THREAD_KEY)
    if thread is None:
        return []
    agent = build_careful_agent(build_chat_model(current_provider()), saver)  # reads, sends nothing
    return reviews(waiting_for(agent, thread))


def _board(prefix: str, answer_key: str) -> LaneBoard:
    texts = {"messages": {"answer token": answer_key}}
    return LaneBoard(MODES, key=f"{prefix}_lane", hints=LANE_HINTS, texts=texts)


def _stream(board: LaneBoard, parts: Iterable[Any]) -> tuple[AgentTimeline, BaseException | None, Any]:
    """Draw each part as it arrives; the timeline, the error (explained), and the last part."""
    timeline, error, last = AgentTimeline(), None, [None]

    def kept() -> Iterator[Any]:
        for part in parts:
            last[0] = part  # the part the stream ended on
            yield part

    try:
        for events in timeline.wrap(kept()):
            board.draw(events)
    except Exception as exc:  # keep the lanes as they are; explain instead of a traceback
        error = exc
        render_run_error(exc, partial=bool(timeline.events))
    return timeline, error, last[0]


def run_ask(ctx: RunContext, question: str, saver: InMemorySaver) -> Saved:
    """The question on a new thread, streamed until the agent answers or pauses for a person."""
    thread = st.session_state[THREAD_KEY] = new_thread()
    for key in [k for k in st.session_state if str(k).startswith(REVIEW_PREFIXES)]:
        del st.session_state[key]  # a new pause: the review form starts from the model's call
    agent = build_careful_agent(ctx.model(ANSWER), saver)
    timeline, error, last = _stream(_board("hitl_ask", ASK_KEY), ask_agent(agent, question, thread))
    ctx.finish(ANSWER, timeline.answer("messages"))
    state = agent.get_state({"configurable": {"thread_id": thread}})
    return {
        "timeline": timeline,
        "error": error,
        "thread": thread,
        "last_part": last,
        "next": state.next,
        "interrupts": state.interrupts,
    }


def replay_ask(saved: Saved) -> None:
    _board("hitl_ask", ASK_KEY).draw(saved["timeline"].events)
    if saved["error"] is not None:
        render_run_error(saved["error"], partial=bool(saved["timeline"].events))


def reached_answer(saved: Saved) -> bool:
    """Did the answer stream as tokens (the lane timed in layers)? Not when the run paused first."""
    return bool(saved["timeline"].of("messages", "answer token"))


def show_pause(saved: Saved) -> None:
    """When the pause came, the part the stream ended on, and where the run now waits."""
    timeline: AgentTimeline = saved["timeline"]
    cards = [
        ("First tool-call chunk", timeline.first_ms("messages", "tool-call chunk")),
        ("Interrupt", timeline.first_ms("updates", "interrupt")),
        ("Stream ended", timeline.total_ms),
    ]
    for column, (label, value) in zip(st.columns(len(cards)), cards, strict=True):
        column.metric(label, ms(value))
    if not saved["interrupts"]:
        if saved["error"] is None:
            st.success("The agent answered without a gated call: nothing to review.")
        return
    with st.container(key="hitl_pause"):
        st.markdown(
            "**At the interrupt** the stream yielded this last part, then simply ended: no "
            "exception, no more parts. The model's call waits, unrun, in the checkpointer."
        )
        st.code(part_text(saved["last_part"]), language="python", wrap_lines=True)
        st.markdown(
            f"`agent.get_state(config).next` is `{saved['next']}`: the run stopped before that "
            f"node, on thread `{saved['thread']}`. Decide below, then resume it."
        )


def render_review(waiting_calls: Sequence[Review]) -> list[Decision] | None:
    """One decision per waiting call (approve, edit its arguments, or reject with a reason)."""
    if not waiting_calls:
        return None
    st.markdown("**Your decision** (one per gated call, in the order the interrupt lists them)")
    decisions = []
    for i, review in enumerate(waiting_calls):
        with st.container(border=True, key=f"hitl_review_{i}"):
            st.markdown(f"The model wants to run `{review.name}` with:")
            st.json(review.args)
            choice = st.radio("Decision", review.allowed, horizontal=True, key=f"hitl_decision_{i}")
            values: dict[str, Any] = {}
            if choice == "edit":
                for name, value in review.args.items():
                    key = f"hitl_edit_{i}_{name}"
                    values[name] = (
                        st.number_input(name, value=value, step=1, key=key)
                        if isinstance(value, int)
                        else st.text_input(name, str(value), key=key)
                    )
            message = (
                st.text_input("Why (the model reads it)", REJECT_MESSAGE, key=f"hitl_reject_{i}")
                if choice == "reject"
                else ""
            )
            decisions.append(decide(review, choice, args=values, message=message))
    return decisions


def run_resume(ctx: RunContext, decisions: Sequence[Decision], saver: InMemorySaver) -> Saved:
    """The paused run, resumed with the decisions, streamed on from where it stopped."""
    thread = st.session_state[THREAD_KEY]
    agent = build_careful_agent(ctx.model(ANSWER), saver)
    board = _board("hitl_resume", RESUME_KEY)
    timeline, error, _ = _stream(board, resume_agent(agent, decisions, thread))
    ctx.finish(ANSWER, timeline.answer("messages"))
    messages = agent.get_state({"configurable": {"thread_id": thread}}).values.get("messages", [])
    results = [(m.name, m.status, m.text) for m in messages if isinstance(m, ToolMessage)]
    return {
        "timeline": timeline,
        "error": error,
        "decisions": list(decisions),
        "messages": len(messages),
        "results": pd.DataFrame(results, columns=["tool", "status", "what the model reads"]),
    }


def replay_resume(saved: Saved) -> None:
    _board("hitl_resume", RESUME_KEY).draw(saved["timeline"].events)
    if saved["error"] is not None:
        render_run_error(saved["error"], partial=bool(saved["timeline"].events))


def show_resume(saved: Saved) -> None:
    """What the decisions led to: the tools' results, the answer's first word, the thread's state."""
    timeline: AgentTimeline = saved["timeline"]
    cards = [
        ("First progress (custom)", timeline.first_ms("custom", "progress")),
        ("First answer token", timeline.first_ms("messages", "answer token")),
        ("Done", timeline.total_ms),
    ]
    for column, (label, value) in zip(st.columns(len(cards)), cards, strict=True):
        column.metric(label, ms(value))
    st.markdown('**Sent back** with `Command(resume={"decisions": [...]})`')
    st.json(saved["decisions"])
    st.markdown(
        "**The tool messages the model read after your decision** (a rejected call never ran: "
        "its message says why, with `status='error'`)"
    )
    st.dataframe(saved["results"], hide_index=True, key="hitl_results")
    st.caption(
        f"The thread now holds {saved['messages']} messages: the question, the model's call, the "
        "results and the answer, all in the checkpointer."
    )
