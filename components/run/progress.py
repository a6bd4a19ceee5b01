"""Lesson progress kept in `st.session_state`, shown on the takeaways page, and kept in the browser.

A lesson counts as done once the learner has pressed Run on it at least once. Predictions made
before a run (predict, then run) are kept per lesson with whether the run proved them right, and
quiz answers (`QUIZ_KEY`) with whether they were right. All of it is saved in the browser's
`localStorage` (`run/browser_store.py`), so a reload or a new session in the same browser starts
where the learner left off: ids and right/wrong only, never a key, a prompt or an answer's text.

app.py calls `keep_progress_in_browser()` after every page, which saves; when the browser holds an
earlier session's progress, it first sends it back (one rerun, once the run in progress is over)
and it is merged in. A Run panel's click usually reruns only its `st.fragment`, which never
reaches app.py: the panel calls `save_progress()` once everything is drawn (saving before the
stream would put one more element in the way of its first paint).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import TypedDict

import streamlit as st

from components.run import browser_store
from streamlab.catalog import LESSONS, lesson
from streamlab.demos.takeaways import QUESTIONS

__all__ = [
    "QUIZ_KEY",
    "SavedProgress",
    "from_saved",
    "keep_progress_in_browser",
    "lessons_run",
    "mark_ran",
    "predictions",
    "record_prediction",
    "save_progress",
    "to_saved",
]

_KEY = "lessons_run"
_PREDICTIONS_KEY = "predictions"
QUIZ_KEY = "quiz_results"
"""Session key of the quiz's results: question id → answered right (the takeaways page's quiz)."""
_VERSION = 1
_SESSION_KEY, _SEQ_KEY, _RESTORED_KEY = "_progress_session", "_progress_seq", "_progress_restored"
_STORE_KEY = "progress_store"
_PREDICTION_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_MAX_PREDICTIONS = 32  # per lesson: far more than any lesson asks


class SavedProgress(TypedDict):
    """What the browser keeps: ids and right/wrong, nothing a learner typed."""

    v: int
    """Format version; another version is ignored on load."""
    session: str
    """The saving session's random id (a newer save of the same session is never overwritten)."""
    seq: int
    """How many changes that session had made when it saved."""
    lessons_run: list[str]
    """Catalog ids of the lessons whose Run was pressed."""
    predictions: dict[str, dict[str, bool]]
    """Lesson id → prediction id → whether the run proved the prediction right."""
    quiz: dict[str, bool]
    """Quiz question id → answered right."""


def mark_ran(lesson_id: str) -> None:
    """Count the lesson as run; an id missing from the catalog is a bug, so it raises."""
    st.session_state.setdefault(_KEY, set()).add(lesson(lesson_id).id)
    _changed()


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
    _changed()


def predictions() -> dict[str, dict[str, bool]]:
    """Every graded prediction: lesson id → prediction id → whether it was right (a copy)."""
    stored = st.session_state.get(_PREDICTIONS_KEY, {})
    return {lesson_id: dict(graded) for lesson_id, graded in stored.items()}


# --- kept in the browser -------------------------------------------------------------------------


def to_saved(
    done: set[str],
    graded: Mapping[str, Mapping[str, bool]],
    quiz: Mapping[str, bool],
    *,
    session: str,
    seq: int,
) -> SavedProgress:
    """Lessons run, graded predictions and quiz results as the browser keeps them."""
    return {
        "v": _VERSION,
        "session": session,
        "seq": seq,
        "lessons_run": sorted(done),
        "predictions": {k: dict(v) for k, v in graded.items()},
        "quiz": dict(quiz),
    }


def from_saved(raw: object) -> tuple[set[str], dict[str, dict[str, bool]], dict[str, bool]]:
    """(lessons run, predictions, quiz results) from a value the browser sent back, keeping only
    known lesson and question ids, well-formed prediction ids and real booleans: the value comes
    from the browser, where anything could have written it."""
    if not isinstance(raw, Mapping) or raw.get("v") != _VERSION:
        return set(), {}, {}
    lesson_ids = {x.id for x in LESSONS}
    question_ids = {q.id for q in QUESTIONS}
    ran = raw.get("lessons_run")
    done = {x for x in ran if x in lesson_ids} if isinstance(ran, list) else set()
    graded: dict[str, dict[str, bool]] = {}
    stored = raw.get("predictions")
    for lesson_id, by_id in stored.items() if isinstance(stored, Mapping) else ():
        if lesson_id not in lesson_ids or not isinstance(by_id, Mapping):
            continue
        kept = {
            p: right
            for p, right in by_id.items()
            if isinstance(p, str) and _PREDICTION_ID.fullmatch(p) and isinstance(right, bool)
        }
        if kept:
            graded[lesson_id] = dict(list(kept.items())[:_MAX_PREDICTIONS])
    quiz = raw.get("quiz")
    answers = (
        {q: right for q, right in quiz.items() if q in question_ids and isinstance(right, bool)}
        if isinstance(quiz, Mapping)
        else {}
    )
    return done, graded, answers


def keep_progress_in_browser() -> None:
    """After each page (app.py): save, and load an earlier session's progress the first time."""
    loaded = bool(st.session_state.get(_RESTORED_KEY))
    browser_store.mount(_STORE_KEY, save=_saved(), loaded=loaded, load_for=_session(), on_load=_restore)


def _session() -> str:
    return str(st.session_state.setdefault(_SESSION_KEY, uuid.uuid4().hex))


def _saved() -> SavedProgress:
    state = st.session_state
    return to_saved(
        lessons_run(),
        predictions(),
        state.get(QUIZ_KEY, {}),
        session=_session(),
        seq=int(state.get(_SEQ_KEY, 0)),
    )


def _changed() -> None:
    st.session_state[_SEQ_KEY] = int(st.session_state.get(_SEQ_KEY, 0)) + 1


def save_progress() -> None:
    """Save the progress in the browser from where the page is now (e.g. at the end of a Run
    panel's fragment run). Until an earlier session's copy has been loaded, the browser keeps
    that copy: the merge after loading saves everything."""
    state = st.session_state
    key = f"{_STORE_KEY}_{_session()}_{state.get(_SEQ_KEY, 0)}"
    if key in state:  # this change was saved already (a key is one element per run)
        return
    browser_store.mount(key, save=_saved(), loaded=bool(state.get(_RESTORED_KEY)))


def _restore() -> None:
    # The browser's reply (a widget callback, before the rerun it caused): what this session
    # did already wins over the saved copy; lessons run add up.
    done, graded, answers = from_saved(browser_store.received(_STORE_KEY))
    state = st.session_state
    state[_KEY] = set(state.get(_KEY, set())) | done
    mine = state.get(_PREDICTIONS_KEY, {})
    state[_PREDICTIONS_KEY] = {x: {**graded.get(x, {}), **mine.get(x, {})} for x in {*graded, *mine}}
    state[QUIZ_KEY] = {**answers, **state.get(QUIZ_KEY, {})}
    state[_RESTORED_KEY] = True
