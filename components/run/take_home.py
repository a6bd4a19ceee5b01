"""Take it home: every lesson's download button for the script that reproduces its run.

The script is built (on click) by `streamlab.take_home` from the recipes the page shows, with the
sidebar's provider and the lesson's inputs written out; the API key never goes into it.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import streamlit as st

from components.sidebar import current_provider
from streamlab.take_home import script_name, take_home_script

__all__ = ["TAKE_HOME_NOTE", "render_take_home"]

TAKE_HOME_NOTE = (
    "A standalone Python script of this run, with what the page hides written out: the base URL, "
    "the model, the simulator's latency (as the `sim` request field) and `stream_usage=True`. It "
    "runs against `python -m streamlab.server`, or OpenAI with `--openai` (the key is read from "
    "`OPENAI_API_KEY`, never written into the file)."
)


def render_take_home(lesson_id: str, inputs: Mapping[str, object] | None = None) -> None:
    """The download button (key `take_home_<lesson_id>`) for `lesson_id`'s script with `inputs`
    (the constants of its driver, e.g. {"QUESTION": question})."""
    st.download_button(
        "Take it home: this run as a Python script",
        partial(take_home_script, lesson_id, current_provider(), dict(inputs or {})),  # on click
        file_name=script_name(lesson_id),
        mime="text/x-python",
        key=f"take_home_{lesson_id}",
        icon=":material/download:",
        on_click="ignore",
        help=TAKE_HOME_NOTE,
    )
