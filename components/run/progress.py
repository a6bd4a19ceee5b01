"""Lesson progress kept in `st.session_state`, shown on the takeaways page.

A lesson counts as done once the learner has pressed Run on it at least once. Predictions made
before a run (predict, then run) are kept per lesson with whether the run proved them right.
"""

from __future__ import annotations

import streamlit as st

from streamlab.catalog import lesson

__all__ = ["lessons_run", "mark_ran", "predictions", "record_prediction"]

_KEY = "lessons_run"
_PREDICTIONS_KEY = "predictions"


def mark_ran(lesson_id: str) -> None:
    """Count the lesson as run; an id missing from the catalog is a bug, so it raises."""
    st.session_state.setdefault(_KEY, set()).add(lesson(lesson_id).id)


def lessons_run() -> set[str]:
    return set(st.session_state.get(_KEY, set()))


def record_prediction(lesson_id: str, prediction_id: str, correct: bool) -> None:
    """Keep the grade of one prediction the learner committed to before a run.

    `lesson_id` is a catalog id (an unknown one raises `KeyError`, it is a bug); `prediction_id`
    names the question within the lesson (e.g. "chunk_count"), so a lesson may ask several. A later
    grade of the same prediction replaces the earlier one: the takeaways page shows the latest.
    Stored in `st.session_state` (and from there kept in the browser across reloads).
    """
    by_lesson = st.session_state.setdefault(_PREDICTIONS_KEY, {})
    by_lesson.setdefault(lesson(lesson_id).id, {})[str(prediction_id)] = bool(correct)


def predictions() -> dict[str, dict[str, bool]]:
    """Every graded prediction: lesson id → prediction id → whether it was right (a copy)."""
    stored = st.session_state.get(_PREDICTIONS_KEY, {})
    return {lesson_id: dict(graded) for lesson_id, graded in stored.items()}
