"""Views of "Subgraphs and subagents": one lane per subagent filling side by side (and the parent's
own lane), then when each subagent answered, the namespaces the stream carried, and one timeline.

The lanes are the agent lessons' `LaneBoard`; each subagent's answer is drawn as plain text in a
container of its own, timed in three layers (one model per subagent, so one traced lane each).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.figures.agent_timeline import render_agent_timeline
from components.run.live_output import render_run_error
from components.run.panel import RunContext, Saved
from components.views.agent_streaming import LaneBoard
from components.words import ms
from streamlab.demos.subagents import LANES, PARENT, SUBAGENTS, TeamRun
from streamlab.recipes.subagents import build_team, stream_team, stream_team_flat

__all__ = ["TEXT_KEYS", "reached_answers", "replay_team", "run_team", "show_team"]

TEXT_KEYS = {lane: f"sub_{lane}_text" for lane in SUBAGENTS}
"""Each subagent's answer: timed in layers, watched by the paint probe and the browser tests."""
HINTS = {
    "weather": "namespace ('weather:<task id>',): the weather agent, inside",
    "clock": "namespace ('clock:<task id>',): the time agent, inside",
    PARENT: "namespace (): the parent graph, as each subagent finishes",
}


def _board() -> LaneBoard:
    texts = {lane: {"answer token": key} for lane, key in TEXT_KEYS.items()}
    return LaneBoard(LANES, key="sub_lane", hints=HINTS, texts=texts)


def run_team(ctx: RunContext, question: str, *, subgraphs: bool) -> Saved:
    """The team streamed (with or without subgraphs=True), each part drawn in its lane on arrival."""
    team = build_team(ctx.model("weather"), ctx.model("clock"))  # one traced model per subagent
    board, run, error = _board(), TeamRun(), None
    parts = stream_team(team, question) if subgraphs else stream_team_flat(team, question)
    try:
        for events in run.record(parts, subgraphs=subgraphs):
            board.draw(events)
    except Exception as exc:  # keep the lanes as they are; explain instead of a traceback
        error = exc
        render_run_error(exc, partial=bool(run.timeline.events))
    for lane in SUBAGENTS:
        ctx.finish(lane, run.timeline.answer(lane))
    return {"run": run, "subgraphs": subgraphs, "error": error}


def replay_team(saved: Saved) -> None:
    """The lanes of the last run, drawn again at once."""
    _board().draw(saved["run"].timeline.events)
    if saved["error"] is not None:
        render_run_error(saved["error"], partial=bool(saved["run"].timeline.events))


def reached_answers(saved: Saved) -> bool:
    """Did a subagent's answer arrive (the lanes timed in layers)?"""
    timeline = saved["run"].timeline
    return any(timeline.of(lane, "answer token") for lane in SUBAGENTS)


def show_team(saved: Saved) -> None:
    """When each subagent answered, the namespaces, what the first part of each looked like."""
    run: TeamRun = saved["run"]
    timeline = run.timeline
    cards = []
    for lane in SUBAGENTS:
        answers = timeline.of(lane, "answer token")
        cards += [
            (f"{lane}: first answer text", ms(answers[0].t_ms if answers else None)),
            (f"{lane}: answer done", ms(answers[-1].t_ms if answers else None)),
        ]
    for column, (label, value) in zip(st.columns(len(cards)), cards, strict=True):
        column.metric(label, value)
    st.markdown("**The namespaces the stream carried** (parts per mode; task ids left out)")
    st.dataframe(run.namespaces(), hide_index=True, key="sub_namespaces")
    st.markdown("**The first part of each namespace**, as the loop received it")
    examples = pd.DataFrame(list(run.examples.items()), columns=["namespace", "first part"])
    st.dataframe(examples, hide_index=True, key="sub_examples")
    st.markdown("**When each lane got what** (hover a marker for what it carried)")
    render_agent_timeline(timeline.to_frame(), LANES, key="sub_timeline")
