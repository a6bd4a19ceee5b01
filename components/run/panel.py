"""The one Run protocol every timed lesson uses: button → prompt check → progress mark → layered
timing → save → draw, and on any other rerun, replay the last run from `st.session_state`.

A lesson supplies only what is its own: how to run (`run`, which streams into the page and returns
what to keep), how to redraw the live area from what was kept (`replay`), and the results drawn
under it both times (`show`). Call `panel()` inside an `st.fragment`, so a click reruns only the
panel (the request leaves sooner) and the browser's paint report, a rerun, is cheap:

    timed = TimedRun("llm_direct", key="direct")

    @st.fragment
    def run_panel() -> None:
        timed.panel(prompt=question, lanes={"output": "direct_output"},
                    run=run, show=show)                   # replay: redraws "output"'s text

    def run(ctx: RunContext) -> dict:
        llm = ctx.model("output")                         # this lane's request is traced
        recorder = StreamRecorder(label="llm.stream()")
        live = render_text_stream(recorder.wrap(lambda: stream_answer(llm, question)),
                                  key="direct_output")
        ctx.finish("output", recorder)
        return {"output": live, "summary": recorder.summary()}

Keys: the button is `<key>_run` (or `button_key`), the saved run `<key>_last`, the layer tables
`<key>_layers` (`<key>_layers_<i>` per lane when there are several), as the browser tests expect.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st
from langchain_openai import ChatOpenAI

from components.run.last_run import LastRun
from components.run.layered import LAYERS_INTRO, LayeredRun, Recorded
from components.run.progress import mark_ran, save_progress
from components.sidebar import current_provider
from streamlab.client.providers import ProviderConfig, build_chat_model
from streamlab.client.validation import prompt_problem
from streamlab.measure.layers import RunLayers

__all__ = ["RunContext", "Saved", "TimedRun"]

Saved = dict[str, Any]
"""What a run keeps for its redraws: anything picklable-free a lesson wants (it stays in memory)."""


@dataclass(frozen=True, slots=True)
class RunContext:
    """What a lesson's `run` gets: the sidebar's provider and one traced lane per request."""

    config: ProviderConfig
    """The provider the sidebar produced on this run."""
    lanes: Mapping[str, RunLayers]
    """One `RunLayers` per lane; send a lane's `.sim` with that lane's (single) request."""
    layered: LayeredRun

    def model(self, lane: str | None = None, **kwargs: Any) -> ChatOpenAI:
        """A model for `lane`'s request (the simulator logs when it sent each chunk of it), or an
        untimed one without `lane`. `kwargs` go to `build_chat_model` (e.g. `max_tokens=12`)."""
        return build_chat_model(self.config, sim=self.lanes[lane].sim if lane else None, **kwargs)

    def finish(self, lane: str, recorder: Recorded) -> None:
        """`lane`'s stream ended: keep what LangChain received, fetch what the server sent."""
        self.layered.finish(lane, recorder, self.config)


class TimedRun:
    """A lesson's Run button and everything around it (see the module docstring)."""

    def __init__(
        self, lesson_id: str, *, key: str, label: str = "Run", button_key: str | None = None
    ) -> None:
        self.lesson_id, self.key, self.label = lesson_id, key, label
        self.button_key = button_key or f"{key}_run"  # a button keyed before this protocol keeps it
        self.layered = LayeredRun(key)
        self.last = LastRun(f"{key}_last")

    def panel(
        self,
        *,
        lanes: Mapping[str, str],
        run: Callable[[RunContext], Saved],
        show: Callable[[Saved], None] | None = None,
        replay: Callable[[Saved], None] | None = None,
        prompt: str | None = None,
        problem: str | None = None,
        layers_intro: str | None = LAYERS_INTRO,
        layers_titles: Mapping[str, str] | None = None,
        reached_lanes: Callable[[Saved], bool] | None = None,
        show_after: Callable[[Saved], None] | None = None,
        layers_table: bool = True,
    ) -> Saved | None:
        """Draw the button; on a click run and save, else replay the last run; then `show` it.

        `lanes` maps each lane (one LLM request) to the key of the container its text streams
        into, for the browser's paint probe; with no lanes the run is not timed in layers.
        `prompt` is checked before anything is sent; `problem`, if given, is shown instead and
        nothing runs (e.g. "Pick a variant first").
        Without `replay`, each lane's text is redrawn from `saved[lane]` (a `LiveText`).
        `reached_lanes`, if given, says whether a saved run got as far as its lanes' requests;
        a run cut short before them (e.g. an earlier step failed) gets no layer tables.
        `show_after`, if given, draws more results under the layer tables (`show` draws above).
        `layers_table=False` draws no layer tables: the paint probe still watches the lanes and
        `show` draws the browser's numbers itself (`self.layered.probe`).
        Returns what the run kept (None before the first run).
        """
        clicked = st.button(self.label, key=self.button_key, type="primary")
        if clicked and (problem := problem or (None if prompt is None else prompt_problem(prompt))):
            st.error(problem)
            return self.last.get()  # nothing ran: the last run stays as it was, but is not redrawn
        if clicked:
            mark_ran(self.lesson_id)
            # No lanes: nothing to time in layers. With the tables drawn, the browser reports from
            # them (a rerun of the tables alone); without, from here (the page shows its numbers).
            traced = self.layered.start(lanes, report_from_tables=layers_table) if lanes else {}
            ctx = RunContext(current_provider(), traced, self.layered)
            saved = self.last.save(**run(ctx))
        elif (last := self.last.get()) is not None:
            saved = last
            (replay or self._replay_lanes(lanes))(saved)
        else:
            return None
        if show:
            show(saved)
        timed = bool(lanes) and (reached_lanes is None or reached_lanes(saved))
        if timed and layers_table:
            self.layered.render_and_report(
                key=f"{self.key}_layers", intro=layers_intro, titles=layers_titles
            )
        if show_after:
            show_after(saved)
        if lanes and clicked:  # a run that never reached its lanes ends its probe too (none pends)
            self.layered.end()  # everything is drawn: the browser may report now (one rerun)
        if clicked:
            save_progress()  # kept in the browser; after the results, never before the first paint
        return saved

    def _replay_lanes(self, lanes: Mapping[str, str]) -> Callable[[Saved], None]:
        def replay(saved: Saved) -> None:
            for lane, container_key in lanes.items():
                self.last.replay_text(key=container_key, field=lane)

        return replay
