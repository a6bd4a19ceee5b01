"""Draw a `streamlab.demos.why_streaming.Race` live: a running clock and one column per lane.

Only this function, on the script thread, touches Streamlit; the lane threads just fill the
race's queue. Each lane shows when the user first saw text and when it was done, the two
moments the lesson compares. Text redraws are coalesced so 80 chunks/s stay cheap.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.run.live_output import render_run_error
from streamlab.demos.why_streaming import Race, RaceEvent

__all__ = ["LaneView", "render_lane_result", "render_race", "status_markdown"]

REDRAW_EVERY_S = 0.05


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
            self.text_slot.markdown(self.text)
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
            st.markdown(text)
    if not text:
        st.caption("(blank screen)")
    if error is not None:
        render_run_error(error, partial=bool(text))
