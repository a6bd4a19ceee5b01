"""The room a session belongs to, and sharing a run's numbers with it (the class board).

A room comes from the link the presenter shares (`?room=abc123`), read once when the session
starts like the other presets, and kept in the address from then on. Three runs (the race,
streaming vs non-streaming, the latency lab) offer "Share my result with the room": off until
the learner switches it on, under a made-up nickname they may re-roll or retype. What goes to
the board is the lesson, the provider kind, the model name and the run's timings; never a key,
a base URL or a prompt (streamlab/lab/board.py has no column for them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import streamlit as st

from streamlab.client.untrusted import as_text
from streamlab.lab.board import BoardError, BoardResult, BoardStore, board_url
from streamlab.lab.room import (
    NICKNAME_MAX,
    ROOM_PARAM,
    clean_nickname,
    new_nickname,
    nickname_problem,
    room_problem,
)
from streamlab.lab.shares import Numbers

if TYPE_CHECKING:  # the sidebar imports this module, and run.panel imports the sidebar
    from components.run.panel import RunContext, Saved

__all__ = [
    "NICKNAME_KEY",
    "ROOM_KEY",
    "SHARED",
    "ShareWithRoom",
    "Shared",
    "board_store",
    "current_room",
    "keep_room",
    "set_room",
]

ROOM_KEY = "board_room"
NICKNAME_KEY = "board_nickname"
SHARED = "_shared"
"""The key under which a run keeps how its sharing went (a `Shared`)."""
SHARE_LABEL = "Share my result with the room"


@st.cache_resource(show_spinner=False)
def _store(url: str) -> BoardStore:
    return BoardStore(url)


def board_store() -> BoardStore:
    """The process's store for the configured database (its connection pool is shared by every
    session); a BoardError says what is wrong with $STREAMLAB_BOARD_URL or the database. A failed
    open is not cached: the next run tries again (the database may have come up meanwhile)."""
    return _store(board_url().render_as_string(hide_password=False))  # the key: a changed URL reopens


def current_room() -> str | None:
    """This session's room code, or None."""
    return st.session_state.get(ROOM_KEY)


def set_room(code: str) -> None:
    """Put this session in room `code` (already checked); the address shows it from now on."""
    st.session_state[ROOM_KEY] = code
    st.query_params[ROOM_PARAM] = code


def keep_room(link: dict[str, str]) -> None:
    """From the sidebar, on every run: take `?room=` from the session's link once, then keep the
    room in the address (a page switch drops the query string). A bad code is ignored, with a
    warning that shows it as plain text."""
    if not st.session_state.get("_room_read"):
        st.session_state["_room_read"] = True
        code = link.get(ROOM_PARAM, "").strip().lower()
        if code and (problem := room_problem(code)):
            st.session_state["_room_problem"] = (code, problem)
        elif code:
            st.session_state[ROOM_KEY] = code
    if (bad := st.session_state.get("_room_problem")) is not None:
        shown = bad[0] if len(bad[0]) <= 40 else bad[0][:39] + "…"
        st.warning(f"Ignored the link parameter ?{ROOM_PARAM}: {bad[1]}.")
        st.text(f"?{ROOM_PARAM}={shown!r}")
    if (room := current_room()) is not None:
        st.query_params[ROOM_PARAM] = room
        st.caption(f"Room **{room}**: results you choose to share appear on its class board.")


def _reroll() -> None:
    st.session_state[NICKNAME_KEY] = new_nickname(avoid=st.session_state.get(NICKNAME_KEY))


def nickname() -> str:
    """The nickname field (made up at first) and its Re-roll button; returns it, cleaned."""
    if not st.session_state.get(NICKNAME_KEY):
        st.session_state[NICKNAME_KEY] = new_nickname()
    field, button = st.columns([3, 1], vertical_alignment="bottom")
    field.text_input(
        "Nickname on the board",
        key=NICKNAME_KEY,
        max_chars=NICKNAME_MAX,
        persist_state="session",  # the same nickname on every lesson that shares
        help="Made up for you: re-roll it or type another. Not your real name: the room sees it.",
    )
    button.button("Re-roll", key=f"{NICKNAME_KEY}_reroll", on_click=_reroll)
    return clean_nickname(st.session_state[NICKNAME_KEY])


@dataclass(frozen=True, slots=True)
class Shared:
    """How sharing one run went, for the page (ours, with checked room and nickname)."""

    ok: bool
    message: str


def share(
    lesson_id: str, provider_kind: str, model: str, numbers: Numbers | None, *, name: str
) -> Shared:
    """Put `numbers` on the room's board under `name`; a failure is a message, never a traceback."""
    room = current_room()
    if room is None:
        return Shared(False, "Not shared: this session has no room.")
    if numbers is None:
        return Shared(False, "Not shared: this run measured no first text to compare.")
    result = BoardResult(room, name, lesson_id, provider_kind, model, **numbers)
    try:
        board_store().add(result)
    except BoardError as exc:
        return Shared(False, str(exc))
    sooner = f": the streamed first text came {result.sooner:.1f}× sooner" if result.sooner else ""
    return Shared(True, f"Shared with room {room} as {name}{sooner}.")


def render_shared(shared: Shared) -> None:
    if shared.ok:
        st.success(as_text(shared.message), icon=":material/groups:")
    else:
        st.error(as_text(shared.message))


class ShareWithRoom:
    """The opt-in above a run's button, and the share after it (see the module docstring).

    sharing = ShareWithRoom("why_streaming", key="why")
    sharing.ask()                                   # the toggle (and nickname), above Run
    timed.panel(..., run=sharing.run(run, race_numbers), show=sharing.show(show))
    """

    def __init__(self, lesson_id: str, *, key: str) -> None:
        self.lesson_id = lesson_id
        self.toggle_key = f"{key}_share"

    def ask(self) -> None:
        """The toggle, off by default; without a room it is disabled and says why."""
        if current_room() is None:
            st.toggle(SHARE_LABEL, value=False, key=self.toggle_key, disabled=True)
            st.caption(
                "Sharing needs a room: open the link your presenter shares (it ends in "
                f"?{ROOM_PARAM}= and a code) and your runs can go on the class board."
            )
            return
        on = st.toggle(
            SHARE_LABEL,
            value=False,
            key=self.toggle_key,
            help="Off unless you switch it on. Shared: your nickname, the provider kind, the model "
            "and this run's timings. Never your prompt, API key or base URL.",
        )
        if on and (problem := nickname_problem(nickname())):
            st.error(f"Nickname: {problem}.")

    def name(self) -> str | None:
        """The nickname to share this run under; None: not sharing (off, no room, bad nickname)."""
        if current_room() is None or not st.session_state.get(self.toggle_key):
            return None
        name = clean_nickname(st.session_state.get(NICKNAME_KEY, ""))
        return None if nickname_problem(name) else name

    def share(self, provider_kind: str, model: str, numbers: Numbers | None) -> Shared | None:
        """Share now if the learner opted in; None when they did not."""
        name = self.name()
        if name is None:
            return None
        return share(self.lesson_id, provider_kind, model, numbers, name=name)

    def run(
        self, run: Callable[[RunContext], Saved], numbers: Callable[[Saved], Numbers | None]
    ) -> Callable[[RunContext], Saved]:
        """`run`, then (if opted in at the click) its `numbers` shared; kept under SHARED."""

        def shared_run(ctx: RunContext) -> Saved:
            name = self.name()  # read at the click, like a prediction: the choice the run was made with
            saved = run(ctx)
            if name is None:
                return saved
            try:
                measured = numbers(saved)
            except (KeyError, IndexError, TypeError, ValueError):
                measured = None  # a run cut short keeps less: nothing to share, never a crash
            kind, model = ctx.config.kind, ctx.config.model  # the kind only: never its URL or key
            return {**saved, SHARED: share(self.lesson_id, kind, model, measured, name=name)}

        return shared_run

    def show(self, show: Callable[[Saved], None] | None = None) -> Callable[[Saved], None]:
        """How the sharing went (on the run and every redraw), then the lesson's own `show`."""

        def shared_show(saved: Saved) -> None:
            if (shared := saved.get(SHARED)) is not None:
                render_shared(shared)
            if show is not None:
                show(saved)

        return shared_show
