"""Lesson progress kept in `st.session_state`, shown on the takeaways page.

A lesson counts as done once the learner has pressed Run on it at least once.
"""

from __future__ import annotations

import streamlit as st

from streamlab.catalog import lesson

_KEY = "lessons_run"


def mark_ran(lesson_id: str) -> None:
    """Count the lesson as run; an id missing from the catalog is a bug, so it raises."""
    st.session_state.setdefault(_KEY, set()).add(lesson(lesson_id).id)


def lessons_run() -> set[str]:
    return set(st.session_state.get(_KEY, set()))
