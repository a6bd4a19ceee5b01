"""Views of the class board: the room's shared results, redrawn every few seconds, the link that
puts learners in the room, and clearing old rooms (presenter only).

Who may clear: anyone can open this page (it is in every learner's navigation), so clearing is
not a button a learner can press by accident or for fun. It needs the presenter key the app was
started with ($STREAMLAB_BOARD_KEY, or the same name in .streamlit/secrets.toml) and a ticked
confirmation; without a configured key nobody clears from the page. Nicknames and model names
come from learners: they are shown in a table (plain text) and escaped in charts, never as HTML.
"""

from __future__ import annotations

import hmac
import os
import statistics
import time
from collections.abc import Sequence
from datetime import datetime
from urllib.parse import urlencode, urlsplit

import pandas as pd
import streamlit as st

from components.figures.board import sooner_figure, ttft_figure
from components.figures.render import render_figure
from components.room import board_store, current_room, set_room
from streamlab.client.presets import URL_NAMES
from streamlab.client.untrusted import as_text
from streamlab.lab.board import SHARED_LESSONS, BoardError, BoardResult, BoardStore
from streamlab.lab.room import ROOM_PARAM, new_room_code, room_problem

__all__ = [
    "IDLE_S",
    "KEY_NAME",
    "REFRESH_S",
    "TABLE_COLUMNS",
    "open_board",
    "pick_room",
    "presenter_key",
    "render_board",
    "render_clear",
    "results_table",
    "room_link",
]

REFRESH_S = 3.0
"""The board redraws itself this often (only the board: a fragment, not the whole page)."""
KEY_NAME = "STREAMLAB_BOARD_KEY"
IDLE_S = 24 * 3600.0
"""A room with no new result for this long counts as old."""
TABLE_COLUMNS = [  # what the room compares first on the left: a narrow screen scrolls the rest
    "time",
    "nickname",
    "N× sooner",
    "TTFT streamed (ms)",
    "TTFT not streamed (ms)",
    "provider",
    "model",
    "lesson",
    "total streamed (ms)",
    "total not streamed (ms)",
    "tokens/s",
]


def presenter_key() -> str | None:
    """The key that allows clearing: from secrets, else the environment; None when not set."""
    try:
        configured = st.secrets.get(KEY_NAME)
    except Exception:  # no secrets.toml is the normal case
        configured = None
    key = configured or os.environ.get(KEY_NAME, "")
    return str(key) if key else None


def open_board() -> BoardStore | None:
    """The board's store, or None after saying what is wrong with its database."""
    try:
        return board_store()
    except BoardError as exc:
        st.error(as_text(str(exc)))
        return None


def room_link(room: str) -> str:
    """The link that puts a learner in `room`, with this session's latency preset.

    Seen from the presenter's own machine (127.0.0.1), the address learners use is the one
    `make run ADDRESS=…` gave Streamlit as browser.serverAddress."""
    here = urlsplit(st.context.url or "http://localhost:8501/")
    host = here.hostname or "localhost"
    served = st.get_option("browser.serverAddress")
    if host in ("localhost", "127.0.0.1", "::1") and served and served != "localhost":
        host = served
    netloc = f"{host}:{here.port}" if here.port else host
    preset = {name: st.query_params[name] for name in ("model", *URL_NAMES) if name in st.query_params}
    return f"{here.scheme or 'http'}://{netloc}/?{urlencode({**preset, ROOM_PARAM: room})}"


def _start_room() -> None:
    set_room(new_room_code())


def _open_room() -> None:
    code = st.session_state.get("board_open_code", "").strip().lower()
    if problem := room_problem(code):
        st.session_state["_board_notice"] = f"Not opened: {problem}."
    else:
        set_room(code)


def pick_room() -> str | None:
    """This session's room, with its learners' link; a new room, or another by its code."""
    room = current_room()
    if room is not None:
        st.markdown(f"Room **{room}**. Learners join it with this link:")
        st.code(room_link(room), language=None, wrap_lines=True)
    else:
        st.info(
            "This session is in no room yet. Start one, then share its link: every learner who "
            "opens it can put their runs on this board."
        )
    # Folded once a room is open: the board, not these controls, is what the room looks at.
    around = (
        st.expander("Start or open another room", icon=":material/meeting_room:")
        if room is not None
        else st.container()
    )
    with (
        around,
        st.container(horizontal=True, vertical_alignment="bottom"),
    ):
        st.button("Start a new room", key="board_new_room", on_click=_start_room)
        st.text_input("Or open a room by its code", key="board_open_code", max_chars=32)
        st.button("Open", key="board_open", on_click=_open_room)
    if notice := st.session_state.pop("_board_notice", None):
        st.error(as_text(notice))
    return current_room()


def results_table(results: Sequence[BoardResult]) -> pd.DataFrame:
    """One row per shared result (TABLE_COLUMNS), newest first, numbers rounded for reading."""

    def ms(value: float | None) -> float | None:
        return None if value is None else round(value)

    rows = [
        [
            datetime.fromtimestamp(r.created_at).strftime("%H:%M:%S"),
            r.nickname,
            None if r.sooner is None else round(r.sooner, 1),
            ms(r.ttft_stream_ms),
            ms(r.ttft_invoke_ms),
            r.provider_kind,
            r.model,
            SHARED_LESSONS.get(r.lesson, r.lesson),
            ms(r.total_stream_ms),
            ms(r.total_invoke_ms),
            None if r.tokens_per_s is None else round(r.tokens_per_s, 1),
        ]
        for r in results
    ]
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def _how_to_share(room: str) -> str:
    lessons = ", ".join(f"*{title}*" for title in SHARED_LESSONS.values())
    return (
        f"No results in room {room} yet. Learners: open the room's link, switch on **Share my "
        f"result with the room** above Run in {lessons}, then press Run."
    )


@st.fragment(run_every=REFRESH_S)
def render_board(store: BoardStore, room: str) -> None:
    """The room's results, read again every REFRESH_S seconds: counts, the two charts, the table."""
    try:
        results, models = store.results(room), store.by_model(room)
    except BoardError as exc:
        st.error(as_text(str(exc)))
        return
    if not results:
        st.info(_how_to_share(room), icon=":material/groups:")
        return
    ratios = [r.sooner for r in results if r.sooner is not None]
    with st.container(horizontal=True):
        st.metric("Shared results", len(results))
        st.metric("Learners", len({r.nickname for r in results}))
        st.metric(
            "Streamed first text, median",
            f"{statistics.median(ratios):.1f}× sooner" if ratios else "not measured",
        )
    left, right = st.columns(2)
    with left:
        render_figure(sooner_figure(results), key="board_sooner")
    with right:
        render_figure(ttft_figure(models), key="board_ttft")
    st.caption(
        "Every learner's own run, on their own provider and settings: streaming brings the first "
        "text forward by how long the whole answer takes to write; the total time stays the same."
    )
    with st.container(key="board_table"):  # the key names the table for the browser tests
        st.dataframe(results_table(results), hide_index=True)


def render_clear(store: BoardStore, room: str | None) -> None:
    """Clear this room, or every room unused for a day: with the presenter key and a confirmation."""
    with st.expander("Clear old results (presenter)", icon=":material/delete:"):
        key = presenter_key()
        if key is None:
            st.info(
                f"Clearing is off: start the app with {KEY_NAME} set (in the environment or "
                ".streamlit/secrets.toml) and type that key here. Learners can open this page "
                "too; the key keeps them from clearing the board."
            )
            return
        typed = st.text_input("Presenter key", type="password", key="board_key")
        choices = {"idle": "Rooms with no new result for a day"}
        if room is not None:
            choices = {"room": f"This room ({room})", **choices}
        what = st.radio("Clear", list(choices), format_func=choices.get, key="board_clear_what")
        sure = st.checkbox("Yes, delete these results for good", key="board_clear_sure")
        if not st.button("Clear", key="board_clear"):
            return
        if not hmac.compare_digest(typed.encode(), key.encode()):
            st.error(f"That is not the presenter key ({KEY_NAME}). Nothing was deleted.")
        elif not sure:
            st.error("Tick “Yes, delete these results for good” first. Nothing was deleted.")
        else:
            _clear(store, room if what == "room" else None)


def _clear(store: BoardStore, room: str | None) -> None:
    try:
        if room is not None:
            st.success(f"Cleared room {room}: {store.clear_room(room)} results deleted.")
        else:
            gone = store.clear_idle(before=time.time() - IDLE_S)
            st.success(f"Cleared the rooms unused for a day: {gone} results deleted.")
    except BoardError as exc:
        st.error(as_text(str(exc)))
