"""Views of "Overview & mental model": the same prompt through `invoke()` and `stream()`, each
drawn live as the seed's diagram (Input ↓ Runnable ↓ Token Stream ↓ UI), then the mental model
filled in by the run.

Boxes are Streamlit alerts in placeholders (amber = busy, green = done, plain = idle), stacked
like the seed's diagram. Alerts update in place, so redrawing ten times a second does not
flicker the way re-mounting a chart does. The pure part (`box_markdown`, `arrow_markdown`)
turns a `FlowFrame` into text; `render_flow_run` drives one run and keeps partial text on error.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import Literal

import streamlit as st
from langchain_openai import ChatOpenAI
from streamlit.delta_generator import DeltaGenerator

from components.figures.arrival import render_arrival
from components.run.last_run import render_saved_text
from components.run.live_output import LiveText, render_run_error
from components.run.metric_cards import render_metric_cards
from components.run.panel import RunContext, Saved
from streamlab.client.untrusted import without_remote_images
from streamlab.demos.overview import (
    STAGE_TITLES,
    STAGES,
    FlowFrame,
    FlowTracker,
    Mode,
    Stage,
    invoke_as_stream,
    mental_model,
)
from streamlab.measure.recorder import StreamRecorder
from streamlab.recipes.overview import invoke_result, stream_chunks

__all__ = [
    "LANES",
    "BoxState",
    "FlowView",
    "arrow_markdown",
    "box_markdown",
    "render_flow_frame",
    "render_flow_run",
    "replay_both",
    "run_both",
    "show_results",
]

REDRAW_EVERY_S = 0.08
MODES: dict[Mode, tuple[str, str]] = {  # mode → (lane: the tab of its layers, column heading)
    "invoke": ("llm.invoke()", "invoke() → result"),
    "stream": ("llm.stream()", "stream() → chunk → chunk"),
}
LANES = {label: f"ov_text_{mode}" for mode, (label, _) in MODES.items()}
"""Each lane's output container: the browser tests and the paint probe watch them."""
CARDS = ("ttft_ms", "total_ms", "chunks")
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
                slot.container(border=True).markdown(without_remote_images(text))
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
                text_slot.markdown(
                    without_remote_images(tracker.text)
                )  # the text first: it is what the learner waits for
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
        text_slot.markdown(without_remote_images(tracker.text))
    else:
        note.caption("(the run produced no text)")
    if result.error is not None:
        render_run_error(result.error, partial=bool(result.text))
    return result


def render_flow_frame(frame: FlowFrame) -> None:
    """Draw the diagram once, in `frame`'s state (e.g. a finished run, redrawn on a rerun)."""
    FlowView().draw(frame)


def run_both(ctx: RunContext, prompt: str) -> Saved:
    """The prompt through `invoke()`, then through `stream()`, each in its column with its diagram."""
    columns = _columns()
    saved: Saved = {}
    for mode, (label, _) in MODES.items():  # one after the other: the race is the next lesson
        recorder = StreamRecorder(label=label)
        tracker = FlowTracker(prompt, mode)
        with columns[mode]:
            live = render_flow_run(
                _chunks(mode, ctx.model(label), recorder, prompt), tracker, key=LANES[label]
            )
        ctx.finish(label, recorder)
        saved[f"{mode}_live"] = live
        saved[mode] = {
            "flow": tracker.finished(),
            "summary": recorder.summary(),
            "frame": recorder.to_dataframe(),
            "texts": [c.text for c in recorder.chunks],
        }
    for mode, column in columns.items():  # after both runs: no drawing while text is on its way
        with column:
            render_metric_cards(saved[mode]["summary"], columns=CARDS)
    return saved


def _chunks(mode: Mode, llm: ChatOpenAI, recorder: StreamRecorder, prompt: str) -> Iterator[object]:
    if mode == "invoke":
        return invoke_as_stream(recorder, lambda: invoke_result(llm, prompt))
    return recorder.wrap(lambda: stream_chunks(llm, prompt))


def replay_both(saved: Saved) -> None:
    """Both columns as the run left them: finished diagram, answer, metric cards."""
    for mode, column in _columns().items():
        with column:
            render_flow_frame(saved[mode]["flow"])
            render_saved_text(saved[f"{mode}_live"], key=LANES[MODES[mode][0]])
            render_metric_cards(saved[mode]["summary"], columns=CARDS)


def _columns() -> dict[Mode, DeltaGenerator]:
    columns = dict(zip(MODES, st.columns(2), strict=True))
    for mode, (_, heading) in MODES.items():
        columns[mode].subheader(f"`{heading}`")
    return columns


def show_results(saved: Saved) -> None:
    """The seed's mental model with this run's values, the chunk count, and both arrival curves."""
    st.subheader("The mental model, filled in by this run")
    texts = {mode: saved[mode]["texts"] for mode in MODES}
    invoked = texts["invoke"][0] if texts["invoke"] else None
    st.code(mental_model(invoked, texts["stream"]), language="text", wrap_lines=True)
    st.info(
        "**Notice** the empty chunks: the stream opens with `''` (the assistant role) and closes with "
        "empty chunks that carry the finish reason, the token usage and a final marker. So "
        f"`stream()` gave {len(texts['stream'])} chunks for "
        f"{saved['stream']['summary']['output_tokens']} tokens of text."
    )
    summaries = {saved[m]["summary"]["label"]: saved[m]["summary"]["ttft_ms"] for m in MODES}
    render_arrival([saved[m]["frame"] for m in MODES], summaries, key="ov_arrival")
    st.caption(
        "The dotted lines mark when each run first showed text (TTFT). The 'How streaming works "
        "internally' lesson opens every one of those chunks."
    )
