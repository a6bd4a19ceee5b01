"""Views of "Why streaming matters": the race between `llm.stream()` and `llm.invoke()`, drawn
live (a running clock and one column per lane), then its metric cards, verdict and arrival curves.

Only `render_race`, on the script thread, touches Streamlit; the lane threads just fill the
race's queue. Each lane shows when the user first saw text and when it was done, the two
moments the lesson compares. Text redraws are coalesced so 80 chunks/s stay cheap.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.figures.arrival import render_arrival
from components.run.live_output import render_run_error
from components.run.metric_cards import render_metric_cards
from components.run.panel import RunContext, Saved
from streamlab.client.untrusted import without_remote_images
from streamlab.demos.why_streaming import Race, RaceEvent
from streamlab.lab.shares import Numbers, race_numbers
from streamlab.measure.trials import verdict
from streamlab.recipes.why_streaming import invoked_lane, streamed_lane

__all__ = [
    "LANES",
    "LaneView",
    "race_result",
    "render_lane_result",
    "render_race",
    "replay_race",
    "run_race",
    "show_race",
    "status_markdown",
]

REDRAW_EVERY_S = 0.05
RECIPES = {"llm.stream()": streamed_lane, "llm.invoke()": invoked_lane}
LANES = {"llm.stream()": "why_text_stream", "llm.invoke()": "why_text_invoke"}
"""Each lane's text container: the browser tests and the paint probe watch them."""


def status_markdown(first_ms: float | None, done_ms: float | None, now_ms: float) -> str:
    """A lane's status line: when the user first saw text, and when the lane was done."""
    seen = (
        f"User sees text at **{first_ms:,.0f} ms**"
        if first_ms is not None
        else f"Nothing to read yet ({now_ms:,.0f} ms)"
    )
    done = f"done at **{done_ms:,.0f} ms**" if done_ms is not None else "running…"
    return f"{seen}  ·  {done}"


@dataclass(slots=True)
class LaneView:
    status: DeltaGenerator
    blank: DeltaGenerator  # "(blank screen)" sits outside the text's container: it is not the answer
    text_slot: DeltaGenerator
    text: str = ""
    first_ms: float | None = None
    done_ms: float | None = None
    error: BaseException | None = None
    marks: list[str] = field(default_factory=list)
    # What the page shows now: an unchanged slot is not sent again, so the browser has less to do.
    drawn: dict[str, str] = field(default_factory=dict)

    def _draw(self, slot: str, value: str) -> bool:
        if self.drawn.get(slot) == value:
            return False
        self.drawn[slot] = value
        return True

    def draw_status(self, now_ms: float) -> None:
        if self._draw("status", line := status_markdown(self.first_ms, self.done_ms, now_ms)):
            self.status.markdown(line)

    def draw_text(self) -> None:
        if not self._draw("text", self.text):
            return
        if self.text:
            self.text_slot.markdown(without_remote_images(self.text))
            self.blank.empty()
        else:
            self.blank.caption("(blank screen)")


def render_race(
    race: Race,
    columns: Mapping[str, DeltaGenerator],
    clock: DeltaGenerator,
    *,
    text_keys: Mapping[str, str] | None = None,
) -> dict[str, LaneView]:
    """Run `race`, drawing every lane into its column; returns what each lane showed.

    `text_keys` names each lane's text container (CSS class `st-key-<key>`), for browser tests
    and the paint probe: it holds only the lane's answer.
    """
    views = {}
    for name, column in columns.items():
        key = (text_keys or {}).get(name)
        status, blank = column.empty(), column.empty()
        views[name] = LaneView(status, blank, (column.container(key=key) if key else column).empty())
        views[name].draw_status(0.0)
        views[name].draw_text()
    last_draw = 0.0
    for event in race.run():
        if isinstance(event, RaceEvent):
            _apply(views[event.lane], event, race)
        now = time.perf_counter()
        if now - last_draw >= REDRAW_EVERY_S or (isinstance(event, RaceEvent) and event.kind != "text"):
            clock.markdown(f"Race clock: **{event.t_ms / 1000:.2f} s**")
            for view in views.values():
                view.draw_status(event.t_ms)
                view.draw_text()
            last_draw = now
    for name, view in views.items():
        view.draw_status(view.done_ms or 0.0)
        view.draw_text()
        if view.error is not None:
            with columns[name]:
                render_run_error(view.error, partial=bool(view.text))
    return views


def _apply(view: LaneView, event: RaceEvent, race: Race) -> None:
    if event.kind == "text":
        view.text += event.text
        if event.text and view.first_ms is None:
            view.first_ms = event.t_ms
            view.draw_status(event.t_ms)  # the first text is drawn at once: it IS the perceived wait
            view.draw_text()
    elif event.kind == "done":
        view.done_ms = event.t_ms
    else:
        view.error = race.errors.get(event.lane)


def render_lane_result(
    text: str, first_ms: float | None, done_ms: float | None, error: BaseException | None, *, key: str
) -> None:
    """Draw a finished lane again (e.g. on a rerun), the way `render_race` left it."""
    st.markdown(status_markdown(first_ms, done_ms, done_ms or 0.0))
    with st.container(key=key):
        if text:
            st.markdown(without_remote_images(text))
    if not text:
        st.caption("(blank screen)")
    if error is not None:
        render_run_error(error, partial=bool(text))


def run_race(ctx: RunContext, prompt: str) -> Saved:
    """Both lanes' requests leave together; each column fills as its text arrives."""
    # Each lane is its own request: its own model, whose trace id the simulator logs sends under.
    race = Race({name: partial(recipe, ctx.model(name), prompt) for name, recipe in RECIPES.items()})
    clock = st.empty()
    columns = _columns()
    views = render_race(race, columns, clock=clock, text_keys=LANES)
    for name, recorder in race.recorders.items():
        ctx.finish(name, recorder)
    saved = {
        "lanes": {name: (v.text, v.first_ms, v.done_ms, v.error) for name, v in views.items()},
        "summaries": race.summaries(),
        "frames": [rec.to_dataframe() for rec in race.recorders.values()],
    }
    _metric_cards(columns, saved)
    return saved


def replay_race(saved: Saved) -> None:
    """The race as it ended: its clock, each lane's status, text and metric cards."""
    done = [lane[2] for lane in saved["lanes"].values() if lane[2] is not None]
    st.markdown(f"Race clock: **{max(done, default=0.0) / 1000:.2f} s**")
    columns = _columns()
    for name, (text, first_ms, done_ms, error) in saved["lanes"].items():
        with columns[name]:
            render_lane_result(text, first_ms, done_ms, error, key=LANES[name])
    _metric_cards(columns, saved)


def _columns() -> dict[str, DeltaGenerator]:
    columns = dict(zip(RECIPES, st.columns(2), strict=True))
    for name, column in columns.items():
        column.subheader(f"{'Streamed' if name == 'llm.stream()' else 'Not streamed'}: `{name}`")
    return columns


def _metric_cards(columns: Mapping[str, DeltaGenerator], saved: Saved) -> None:
    stream, invoke = saved["summaries"].values()
    for name, summary, other in (("llm.stream()", stream, invoke), ("llm.invoke()", invoke, stream)):
        with columns[name]:
            render_metric_cards(summary, columns=("ttft_ms", "total_ms", "chunks"), delta_from=other)


def race_result(saved: Saved) -> Numbers | None:
    """What the race puts on the class board, if the learner shares it."""
    stream, invoke = saved["summaries"].values()
    return race_numbers(stream, invoke)


def show_race(saved: Saved) -> None:
    """Who won which race (first text, done), and when each lane's text arrived."""
    stream, invoke = saved["summaries"].values()
    if stream["ttft_ms"] and invoke["ttft_ms"] and stream["total_ms"] and invoke["total_ms"]:
        st.success(verdict(stream["ttft_ms"], invoke["ttft_ms"], stream["total_ms"], invoke["total_ms"]))
    st.subheader("When did the text arrive?")
    ttfts = {s["label"]: s["ttft_ms"] for s in (stream, invoke)}
    render_arrival(saved["frames"], ttfts, key="why_arrival")
    st.caption(
        "The streamed line climbs from its TTFT on; the invoked line is flat, then jumps to the "
        "full answer in one step, at about the same time the streamed line tops out."
    )
