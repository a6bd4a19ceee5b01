"""Lesson progress kept in `st.session_state`, shown on the takeaways page.

A lesson counts as done once the learner has pressed Run on it at least once.
"""

from __future__ import annotations

import streamlit as st

_KEY = "lessons_run"


def mark_ran(lesson: str) -> None:
    st.session_state.setdefault(_KEY, set()).add(lesson)


def lessons_run() -> set[str]:
    return set(st.session_state.get(_KEY, set()))
