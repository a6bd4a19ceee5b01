"""A lesson's last run, kept in `st.session_state` so any rerun can draw it again."""

from __future__ import annotations

from typing import Any

import streamlit as st

from components.run.live_output import LiveText, render_run_error
from streamlab.client.untrusted import without_remote_images

__all__ = ["LastRun", "render_saved_text"]


class LastRun:
    """The last run's results in `st.session_state`, so any rerun can draw them again.

    The probe's report is a rerun: without this, the streamed answer would vanish the moment
    the browser layer arrives. `save()` after a live run; on other reruns `replay_text()` draws
    the saved text where the live output was, and `get()` gives everything else.
    """

    def __init__(self, key: str) -> None:
        self.key = key

    def save(self, **values: Any) -> dict[str, Any]:
        st.session_state[self.key] = values
        return values

    def get(self) -> dict[str, Any] | None:
        return st.session_state.get(self.key)

    def replay_text(self, *, key: str, field: str = "live") -> None:
        """Draw the saved `LiveText` (and its error) in a container keyed like the live one."""
        saved = self.get()
        render_saved_text(saved.get(field) if saved else None, key=key)


def render_saved_text(live: object, *, key: str) -> None:
    """Draw a saved `LiveText` (and its error) in a container keyed like the live one; a lesson's
    own `replay` uses it between its other drawings. Anything else draws nothing."""
    if not isinstance(live, LiveText):
        return
    with st.container(key=key):
        if live.text:
            st.markdown(without_remote_images(live.text))
    if live.error is not None:
        render_run_error(live.error, partial=bool(live.text))
