"""Draw a `streamlab.race.Race` live: a running clock and one column per lane.

Only this function, on the script thread, touches Streamlit; the lane threads just fill the
race's queue. Each lane shows when the user first saw text and when it was done, the two
moments the lesson compares. Text redraws are coalesced so 80 chunks/s stay cheap.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from streamlit.delta_generator import DeltaGenerator

from components.live_output import render_run_error
from streamlab.race import Race, RaceEvent

__all__ = ["LaneView", "render_race"]

REDRAW_EVERY_S = 0.05


@dataclass(slots=True)
class LaneView:
    status: DeltaGenerator
    text_slot: DeltaGenerator
    text: str = ""
    first_ms: float | None = None
    done_ms: float | None = None
    error: BaseException | None = None
    marks: list[str] = field(default_factory=list)

    def draw_status(self, now_ms: float) -> None:
        seen = (f"User sees text at **{self.first_ms:,.0f} ms**" if self.first_ms is not None
                else f"Nothing to read yet ({now_ms:,.0f} ms)")
        done = f"done at **{self.done_ms:,.0f} ms**" if self.done_ms is not None else "running…"
        self.status.markdown(f"{seen}  ·  {done}")

    def draw_text(self) -> None:
        if self.text:
            self.text_slot.markdown(self.text)
        else:
            self.text_slot.caption("(blank screen)")


def render_race(
    race: Race, columns: Mapping[str, DeltaGenerator], clock: DeltaGenerator,
    *, text_keys: Mapping[str, str] | None = None,
) -> dict[str, LaneView]:
    """Run `race`, drawing every lane into its column; returns what each lane showed.

    `text_keys` names each lane's text container (CSS class `st-key-<key>`), for browser tests.
    """
    views = {}
    for name, column in columns.items():
        key = (text_keys or {}).get(name)
        views[name] = LaneView(column.empty(), (column.container(key=key) if key else column).empty())
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
