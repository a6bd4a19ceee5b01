"""Views of "Event streaming v3": the agent run twice at the same time, once through v3's typed
projections (one lane per projection) and once through v2's flat event list, both filling live;
then the two compared (items, first answer token, what arrived where) on one timeline.

Both runs draw from one event loop on the script thread (`run_sync`): each reader's `show` call
stamps its item before drawing it. Model text is drawn as plain text, never as HTML.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Coroutine
from typing import Any

import pandas as pd
import streamlit as st
from langchain_core._api.beta_decorator import suppress_langchain_beta_warning

from components.figures.agent_timeline import render_agent_timeline
from components.run.live_output import render_run_error
from components.run.panel import RunContext, Saved
from components.views.agent_streaming import LaneBoard
from streamlab.client.async_bridge import run_sync
from streamlab.demos.agent_events import V2_LANE, V3_LANES, describe_v2, describe_v3, v3_lane
from streamlab.demos.agent_streaming import AgentTimeline
from streamlab.recipes.agent_events import read_v2, watch_agent
from streamlab.recipes.agent_streaming import build_agent

__all__ = ["LANES", "REASONING", "reached_answer", "replay_runs", "run_both", "show_runs"]

LANES = {"v3": "agent_ev_v3_text", "v2": "agent_ev_v2_text"}  # the answer's text, timed in layers
REASONING_KEY = "agent_ev_reasoning"
REASONING: dict[str, Any] = {
    "model": "sim-reasoning",
    "use_responses_api": True,
    "reasoning": {"effort": "low", "summary": "auto"},
}
"""The simulator's reasoning model on the Responses API: `.reasoning` then has something to read."""
V3_HINTS = {
    "messages": "run.messages: .reasoning, .tool_calls, .text, then .output",
    "tool_calls": "run.tool_calls: one handle per tool run",
    "values": "run.values: the state after each step",
    "custom": "run.custom: what get_stream_writer() got",
}
V2_HINTS = {V2_LANE: "every on_* event of every run, in one list"}


def _boards() -> tuple[LaneBoard, LaneBoard]:
    st.markdown('**`astream_events(version="v3")`**: four readers at once, one per projection')
    texts = {"messages": {"reasoning token": REASONING_KEY, "answer token": LANES["v3"]}}
    v3 = LaneBoard(V3_LANES, key="agent_ev_v3", hints=V3_HINTS, texts=texts)
    st.markdown('**`astream_events(version="v2")`**: one loop over one flat list')
    texts = {V2_LANE: {"reasoning token": f"{REASONING_KEY}_v2", "answer token": LANES["v2"]}}
    v2 = LaneBoard([V2_LANE], key="agent_ev_v2", hints=V2_HINTS, texts=texts)
    return v3, v2


def run_both(ctx: RunContext, question: str, *, reasoning: bool) -> Saved:
    """The same agent through v3 and v2 at the same time, each drawn as its items arrive."""
    options = REASONING if reasoning else {}
    agents = {lane: build_agent(ctx.model(lane, **options)) for lane in LANES}  # one traced model each
    boards = dict(zip(LANES, _boards(), strict=True))
    timelines = {lane: AgentTimeline() for lane in LANES}
    v2_names: Counter[str] = Counter()

    def show_v3(name: str, item: Any) -> None:
        boards["v3"].draw([timelines["v3"].add(v3_lane(name), *describe_v3(name, item))])

    def show_v2(_: str, event: Any) -> None:
        v2_names[event["event"]] += 1
        boards["v2"].draw([timelines["v2"].add(V2_LANE, *describe_v2(event))])

    works = {
        "v3": watch_agent(agents["v3"], question, show_v3),
        "v2": read_v2(agents["v2"], question, show_v2),
    }
    with suppress_langchain_beta_warning():  # once per process, and the page already says it
        errors = run_sync(_together(works, timelines))
    for lane, error in errors.items():
        st.caption(f"The {lane} run stopped:")
        render_run_error(error, partial=bool(timelines[lane].events))
    for lane in LANES:
        ctx.finish(lane, timelines[lane].answer("messages" if lane == "v3" else V2_LANE))
    return {"timelines": timelines, "v2_names": v2_names, "errors": errors}


async def _together(
    works: dict[str, Coroutine[Any, Any, Any]], timelines: dict[str, AgentTimeline]
) -> dict[str, BaseException]:
    """Run both at once; a failure stops only its own lane (kept, explained afterwards)."""
    errors: dict[str, BaseException] = {}

    async def guarded(lane: str) -> None:
        timelines[lane].start()
        try:
            await works[lane]
        except Exception as exc:
            errors[lane] = exc
        finally:
            timelines[lane].finish()

    await asyncio.gather(*(guarded(lane) for lane in works))
    return errors


def replay_runs(saved: Saved) -> None:
    """Both boards drawn again at once from what the runs kept."""
    v3, v2 = _boards()
    v3.draw(saved["timelines"]["v3"].events)
    v2.draw(saved["timelines"]["v2"].events)
    for lane, error in saved["errors"].items():
        st.caption(f"The {lane} run stopped:")
        render_run_error(error, partial=bool(saved["timelines"][lane].events))


def reached_answer(saved: Saved) -> bool:
    """Did either run stream its answer (the lanes timed in layers)?"""
    timelines = saved["timelines"]
    return bool(
        timelines["v3"].of("messages", "answer token") or timelines["v2"].of(V2_LANE, "answer token")
    )


def _compare(saved: Saved) -> pd.DataFrame:
    rows = []
    for lane, answer_lane in (("v3", "messages"), ("v2", V2_LANE)):
        timeline: AgentTimeline = saved["timelines"][lane]
        rows.append({
            "run": lane,
            "items read": len(timeline.events),
            "first answer token (ms)": timeline.first_ms(answer_lane, "answer token"),
            "run done (ms)": timeline.total_ms,
            "answer": timeline.text(answer_lane),
        })  # fmt: skip
    return pd.DataFrame(rows).round(1)


def show_runs(saved: Saved) -> None:
    """The two runs compared, what each carried, and both on one timeline."""
    st.markdown("**The same agent, two APIs** (started together; times from each run's start)")
    st.dataframe(_compare(saved), hide_index=True, key="agent_ev_compare")
    left, right = st.columns(2)
    left.markdown("**v3: items per projection**")
    left.dataframe(saved["timelines"]["v3"].counts(V3_LANES), hide_index=True, key="agent_ev_v3_counts")
    right.markdown("**v2: events per name**")
    names = pd.DataFrame(saved["v2_names"].most_common(), columns=["event", "count"])
    right.dataframe(names, hide_index=True, key="agent_ev_v2_counts")
    frame = pd.concat([saved["timelines"][lane].to_frame() for lane in LANES], ignore_index=True)
    st.markdown("**When each arrived** (hover a marker for what it carried)")
    render_agent_timeline(frame, [*V3_LANES, V2_LANE], key="agent_ev_timeline")
