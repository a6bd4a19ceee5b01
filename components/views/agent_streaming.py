"""Views of "Streaming an agent": one lane per stream mode filling live, then what each mode
carried (counts, the steps `updates` reported, first times) and one timeline of the whole run.

`LaneBoard` is the agent lessons' live board: lines for steps, progress and state, and the answer's
text in a container of its own (the paint probe counts only that text). Everything is plain text
(`st.code`, `st.text`): model output is never rendered as HTML.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.figures.agent_timeline import render_agent_timeline
from components.run.live_output import render_run_error
from components.run.panel import RunContext, Saved
from components.words import ms
from streamlab.demos.agent_streaming import AgentEvent, AgentTimeline
from streamlab.recipes.agent_streaming import build_agent, stream_agent

__all__ = [
    "ANSWER",
    "ANSWER_KEY",
    "LANE_HINTS",
    "LaneBoard",
    "reached_answer",
    "replay_agent",
    "run_agent",
    "show_agent",
]

ANSWER = "answer"  # the one layered lane: the answer's tokens, carried by the `messages` mode
ANSWER_KEY = "agent_answer"  # the paint probe and the browser tests watch this container
LANE_HINTS = {
    "updates": "after each step: what the node returned",
    "messages": "every token of every model call, and each tool result",
    "custom": "whatever the tools wrote with get_stream_writer()",
    "values": "the whole state after each step",
}


class LaneBoard:
    """One bordered column per lane (`<key>_<lane>`), filled as events arrive.

    Steps, progress and state are lines (`t ms  label`). A lane in `texts` also draws the text of
    the kinds it lists (`{"answer token": "agent_answer"}`), each in a container with that key,
    made before the first token arrives, under the lines.
    """

    def __init__(
        self,
        lanes: Sequence[str],
        *,
        key: str,
        hints: Mapping[str, str],
        texts: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        self.lines: dict[str, list[str]] = {lane: [] for lane in lanes}
        self.texts: dict[tuple[str, str], str] = {}
        self.line_slots: dict[str, DeltaGenerator] = {}
        self.text_slots: dict[tuple[str, str], DeltaGenerator] = {}
        for lane, column in zip(lanes, st.columns(len(lanes)), strict=True):
            with column.container(key=f"{key}_{lane}", border=True):
                st.markdown(f"**`{lane}`**")
                st.caption(hints.get(lane, ""))
                self.line_slots[lane] = st.empty()
                for kind, text_key in (texts or {}).get(lane, {}).items():
                    self.text_slots[lane, kind] = st.container(key=text_key).empty()
                    self.texts[lane, kind] = ""

    def draw(self, events: Iterable[AgentEvent]) -> None:
        """Add `events` to their lanes and redraw the lanes they changed."""
        changed_lines: set[str] = set()
        changed_text: set[tuple[str, str]] = set()
        for event in events:
            if event.lane not in self.lines:
                continue
            if (slot := (event.lane, event.kind)) in self.text_slots:
                self.texts[slot] += event.text
                changed_text.add(slot)
                continue
            if event.kind == "model step" and self.texts.get(thought := (event.lane, "reasoning token")):
                self.texts[thought] += "\n\n"  # the next model call thinks in a paragraph of its own
            if event.kind != "empty chunk":
                self.lines[event.lane].append(f"{event.t_ms:,.0f} ms · {event.label}")
                changed_lines.add(event.lane)
        for lane in changed_lines:
            self.line_slots[lane].code("\n".join(self.lines[lane]), language=None, wrap_lines=True)
        for lane_kind in changed_text:
            self.text_slots[lane_kind].text(self.texts[lane_kind], width="stretch")


def run_agent(ctx: RunContext, question: str, modes: Sequence[str]) -> Saved:
    """The agent streamed with `modes`, each mode's lane drawn as its parts arrive."""
    timed = "messages" in modes  # only `messages` carries the answer token by token
    agent = build_agent(ctx.model(ANSWER) if timed else ctx.model())  # both model calls traced
    board = _board(modes)
    timeline, error = AgentTimeline(), None
    try:
        for events in timeline.wrap(stream_agent(agent, question, modes)):  # type: ignore[arg-type]
            board.draw(events)
    except Exception as exc:  # keep the lanes as they are; explain instead of a traceback
        error = exc
        render_run_error(exc, partial=bool(timeline.events))
    if timed:
        ctx.finish(ANSWER, timeline.answer("messages"))
    return {"timeline": timeline, "modes": list(modes), "error": error}


def _board(modes: Sequence[str]) -> LaneBoard:
    texts = {"messages": {"answer token": ANSWER_KEY}}
    return LaneBoard(modes, key="agent_lane", hints=LANE_HINTS, texts=texts)


def replay_agent(saved: Saved) -> None:
    """The lanes of the last run, drawn again at once from what they kept."""
    _board(saved["modes"]).draw(saved["timeline"].events)
    if saved["error"] is not None:
        render_run_error(saved["error"], partial=bool(saved["timeline"].events))


def reached_answer(saved: Saved) -> bool:
    """Did the answer stream as tokens (the lane timed in layers)?"""
    return bool(saved["timeline"].of("messages", "answer token"))


def show_agent(saved: Saved) -> None:
    """First times per mode, what each mode carried, the steps `updates` reported, the timeline."""
    timeline: AgentTimeline = saved["timeline"]
    modes = saved["modes"]
    cards = [
        ("First step (updates)", timeline.first_ms("updates")),
        ("First progress (custom)", timeline.first_ms("custom", "progress")),
        ("First answer token (messages)", timeline.first_ms("messages", "answer token")),
        ("Whole answer (updates)", _answer_step_ms(timeline)),
        ("Done", timeline.total_ms),
    ]
    for column, (label, value) in zip(st.columns(len(cards)), cards, strict=True):
        column.metric(label, ms(value))
    st.markdown("**What each mode carried** (parts received, and what was in them)")
    st.dataframe(timeline.counts(modes), hide_index=True, key="agent_counts")
    if "updates" in modes:
        steps = [
            (i + 1, e.node, round(e.t_ms, 1), e.label) for i, e in enumerate(timeline.of("updates"))
        ]
        st.markdown("**The steps, in the order `updates` reported them**")
        st.dataframe(
            {k: [s[i] for s in steps] for i, k in enumerate(("step", "node", "t (ms)", "what"))},
            hide_index=True,
            key="agent_steps",
        )
    st.markdown("**When each mode emitted what** (hover a marker for what it carried)")
    render_agent_timeline(timeline.to_frame(), modes, key="agent_timeline")


def _answer_step_ms(timeline: AgentTimeline) -> float | None:
    """When `updates` delivered the final answer: the last model step that calls no tool."""
    answers = [
        e for e in timeline.of("updates", "model step") if e.label.startswith(f"{e.node}: answers")
    ]
    return answers[-1].t_ms if answers else None
