"""The takeaways page's widgets: lesson progress and one quiz question with its Check button.

Quiz results live in `st.session_state["quiz_results"]` (question id → right or wrong) and the
score in `st.session_state["quiz_score"]`, so both survive page switches within the session.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from streamlab.catalog import LESSONS, Lesson, lesson
from streamlab.demos.takeaways import QUESTIONS, Question, Score, is_correct, score

__all__ = ["RESULTS_KEY", "SCORE_KEY", "render_progress", "render_question", "render_score"]

TIMED = tuple(x for x in LESSONS if x.timed)
RESULTS_KEY = "quiz_results"
SCORE_KEY = "quiz_score"


def render_progress(done: set[str], lessons: Sequence[Lesson] = TIMED) -> None:
    """A progress bar over all lessons with a Run, then one link per lesson marked run or not yet."""
    ran = [x for x in lessons if x.id in done]
    st.progress(len(ran) / len(lessons), text=f"{len(ran)} of {len(lessons)} lessons run")
    columns = st.columns(2)
    for i, x in enumerate(lessons):
        with columns[i % 2]:
            ran_it = x.id in done
            # Words, not a glyph, carry the state: many machines have no emoji font.
            st.page_link(
                x.file,
                label=f"{x.title}: {'run' if ran_it else 'not run yet'}",
                icon=":material/check_circle:" if ran_it else ":material/radio_button_unchecked:",
                help="Run pressed at least once" if ran_it else "Not run yet",
            )


def _forget_result(question_id: str) -> None:
    # A new choice makes the old verdict stale until Check is pressed again.
    st.session_state.get(RESULTS_KEY, {}).pop(question_id, None)


def render_question(number: int, question: Question) -> None:
    results: dict[str, bool] = st.session_state.setdefault(RESULTS_KEY, {})
    choice = st.radio(
        f"**{number}.** {question.prompt}", question.options, index=None,
        key=f"quiz_{question.id}", on_change=_forget_result, args=(question.id,),
    )  # fmt: skip
    if st.button("Check", key=f"quiz_{question.id}_check"):
        if choice is None:
            st.warning("Pick an answer first.")
        else:
            results[question.id] = is_correct(question, choice)
    if question.id not in results:
        return
    if results[question.id]:
        st.success("Right.")
    else:
        st.error(f"Not quite. {question.explanation}")
        st.page_link(
            lesson(question.lesson).file, label="See it run in the lesson", icon=":material/undo:"
        )


def render_score() -> Score:
    result = score(st.session_state.get(RESULTS_KEY, {}), QUESTIONS)
    st.session_state[SCORE_KEY] = result.correct
    st.metric("Quiz score", result.label, help=f"{result.checked} of {result.total} questions checked")
    st.progress(result.correct / result.total)
    return result
