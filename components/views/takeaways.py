"""Views of "Takeaways & quiz": the four chains' chunk counts, lesson progress, and the quiz.

Quiz results live in `st.session_state["quiz_results"]` (question id → right or wrong) and the
score in `st.session_state["quiz_score"]`, so both survive page switches within the session.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from components.figures.counts import render_count_bars
from components.run.live_output import render_run_error
from components.run.panel import RunContext, Saved
from components.run.predictions import prediction_rows
from components.run.progress import QUIZ_KEY, predictions
from components.run.tables import render_evidence_table
from streamlab.catalog import LESSONS, Lesson, lesson
from streamlab.client.async_bridge import catch_error
from streamlab.demos.takeaways import QUESTIONS, Question, Score, is_correct, score
from streamlab.recipes.takeaways import CHAINS, count_text_chunks

__all__ = [
    "RESULTS_KEY",
    "SCORE_KEY",
    "TIMED",
    "render_prediction_score",
    "render_prediction_table",
    "render_progress",
    "render_question",
    "render_quiz",
    "render_score",
    "run_chains",
    "show_counts",
]

TIMED = tuple(x for x in LESSONS if x.timed)
RESULTS_KEY = QUIZ_KEY  # kept in the browser with the rest of the progress (run/progress.py)
SCORE_KEY = "quiz_score"


def run_chains(ctx: RunContext, question: str) -> Saved:
    """Stream the four chains; keep how many chunks with text each gave (None if one failed)."""
    llm = ctx.model(max_tokens=40)
    with st.spinner("Streaming four chains…"):
        counts, error = catch_error(
            lambda: {name: count_text_chunks(build(llm), question) for name, build in CHAINS.items()}
        )
    if error is not None:
        render_run_error(error, partial=False)
    return {"counts": counts}


def show_counts(saved: Saved) -> None:
    if saved["counts"]:
        render_count_bars(saved["counts"], key="takeaways_counts_chart")
        st.caption(
            "Red: the whole answer arrived as one chunk, at the end. No chain set `streaming=True`."
        )


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
    quiz, predicted = st.columns(2)
    quiz.metric("Quiz score", result.label, help=f"{result.checked} of {result.total} questions checked")
    rows = prediction_rows(predictions())
    with predicted:
        render_prediction_score(rows)
    st.progress(result.correct / result.total)
    render_prediction_table(rows)
    return result


def render_prediction_score(rows: pd.DataFrame) -> None:
    """How many of the predictions made before a lesson's Run that run proved right."""
    right = int((rows["result"] == "right").sum())
    st.metric(
        "Predictions right",
        f"{right}/{len(rows)}",
        help="Predictions you committed to before pressing Run in a lesson, graded by that run.",
    )


def render_prediction_table(rows: pd.DataFrame) -> None:
    """Every graded prediction: its lesson, its question and whether the run proved it right."""
    if rows.empty:
        st.caption("No predictions yet: pick an answer above a lesson's Run button before pressing it.")
        return
    st.markdown("**Your predictions**, graded by the runs they were made for")
    render_evidence_table(rows, key="takeaways_predictions")


def render_quiz(questions: Sequence[Question] = QUESTIONS) -> None:
    """Every question with its Check button, then the score."""
    for number, question in enumerate(questions, start=1):
        render_question(number, question)
        st.divider()
    render_score()
