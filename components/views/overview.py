"""The seed's architecture diagram (Input ↓ Runnable ↓ Token Stream ↓ UI), drawn live from a run.

Boxes are Streamlit alerts in placeholders (amber = busy, green = done, plain = idle), stacked
like the seed's diagram. Alerts update in place, so redrawing ten times a second does not
flicker the way re-mounting a chart does. The pure part (`box_markdown`, `arrow_markdown`)
turns a `FlowFrame` into text; `render_flow_run` drives one run and keeps partial text on error.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Literal

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.run.live_output import LiveText, render_run_error
from streamlab.demos.overview import STAGE_TITLES, STAGES, FlowFrame, FlowTracker, Stage

__all__ = [
    "BoxState",
    "FlowView",
    "arrow_markdown",
    "box_markdown",
    "render_flow_frame",
    "render_flow_run",
]

REDRAW_EVERY_S = 0.08
BoxState = Literal["busy", "done", "idle"]


def _code(text: str) -> str:
    # Details quote user and model text: inline code shows it verbatim (no Markdown, no HTML).
    return "`" + text.replace("`", "ˋ") + "`" if text else ""


def box_markdown(frame: FlowFrame, stage: Stage) -> tuple[BoxState, str]:
    """A box's state and its Markdown: the title in bold, then its detail line."""
    state: BoxState = "busy" if stage in frame.active else "done" if stage in frame.done else "idle"
    return state, f"**{STAGE_TITLES[stage]}** {_code(frame.details.get(stage, ''))}"


def arrow_markdown(frame: FlowFrame, into: Stage) -> str:
    """The arrow into `into`, coloured like its target; the travelling chunk rides the last one."""
    state, _ = box_markdown(frame, into)
    color = {"busy": "orange", "done": "green", "idle": "gray"}[state]
    label = f" {_code(frame.packet)}" if frame.packet and into == "ui" else ""
    return f":{color}[**↓**{label}]"


class FlowView:
    """The placeholders of one diagram; `draw(frame)` updates them in place."""

    def __init__(self) -> None:
        self.boxes: dict[Stage, DeltaGenerator] = {}
        self.arrows: dict[Stage, DeltaGenerator] = {}
        for i, stage in enumerate(STAGES):
            if i:
                self.arrows[stage] = st.empty()
            self.boxes[stage] = st.empty()

    def draw(self, frame: FlowFrame) -> None:
        for stage, slot in self.boxes.items():
            state, text = box_markdown(frame, stage)
            if state == "busy":
                slot.warning(text)
            elif state == "done":
                slot.success(text)
            else:
                slot.container(border=True).markdown(text)
        for stage, slot in self.arrows.items():
            slot.markdown(arrow_markdown(frame, stage))


def render_flow_run(
    chunks: Iterable[object], tracker: FlowTracker, *, key: str | None = None
) -> LiveText:
    """Consume `chunks`, animating the diagram and the text; errors keep the partial text.

    `key` names the text's container (CSS class `st-key-<key>`), so browser tests and the paint
    probe can watch it: it holds only the answer, the waiting note sits outside it.
    """
    view = FlowView()
    note = st.empty()
    text_slot = st.container(key=key).empty() if key else st.empty()
    view.draw(tracker.sent())
    note.caption("Waiting for the answer…")
    result, last_draw, shown = LiveText(), 0.0, 0
    try:
        for chunk in chunks:
            frame = tracker.arrived(chunk)
            now = time.perf_counter()
            # The first text is drawn at once (it IS the perceived latency); later ones on a budget.
            if (tracker.content_chunks and not shown) or now - last_draw >= REDRAW_EVERY_S:
                text_slot.markdown(tracker.text)  # the text first: it is what the learner waits for
                if tracker.text and not shown:
                    note.empty()
                view.draw(frame)
                last_draw, shown = now, tracker.content_chunks
    except Exception as exc:  # shown below the partial text instead of a traceback
        result.error = exc
    result.text = tracker.text
    view.draw(tracker.finished())
    note.empty()
    if tracker.text:
        text_slot.markdown(tracker.text)
    else:
        note.caption("(the run produced no text)")
    if result.error is not None:
        render_run_error(result.error, partial=bool(result.text))
    return result


def render_flow_frame(frame: FlowFrame) -> None:
    """Draw the diagram once, in `frame`'s state (e.g. a finished run, redrawn on a rerun)."""
    FlowView().draw(frame)
