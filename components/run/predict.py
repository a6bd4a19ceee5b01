"""Predict, then run: the learner commits to a prediction before pressing Run, and the run grades it.

A lesson asks one `Prediction` (a question and a few options) right above its Run button. The
option picked at the moment Run is pressed is the prediction. The run's own measured values then
decide which option was right (`Prediction.grade`) and say why in numbers, so the grade comes from
what actually happened on this machine, not from an answer key. Each grade is recorded for the
takeaways page (`record_prediction`). Used with `TimedRun.panel`:

    predict = PredictThenRun("parallel", PARALLEL_FINISH, key="par")
    predict.ask()                                     # the radio, above the Run button
    timed.panel(..., run=predict.run(run_branches), show=predict.show(show_results))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from components.run.panel import RunContext, Saved
from components.run.progress import record_prediction

__all__ = ["GRADED", "Graded", "Outcome", "PredictThenRun", "Prediction", "grade"]

GRADED = "_prediction"
"""The key under which a run keeps its graded prediction (a `Graded`)."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a run's numbers say about a question."""

    answer: str
    """The option the measured values point to (one of the prediction's options)."""
    why: str
    """The measured values that decide it, in a sentence or two (Markdown, numbers from the run)."""


@dataclass(frozen=True, slots=True)
class Prediction:
    """One question a lesson asks before its Run, graded by the run's measured values."""

    id: str
    """Names the question within its lesson (`record_prediction`'s prediction id)."""
    question: str
    """Markdown, asked as the radio's label."""
    options: tuple[str, ...]
    grade: Callable[[Saved], Outcome | None]
    """Reads what the run kept; None when this run cannot answer (it failed, or left out the step)."""
    unanswered: str = "This run cannot answer the question (it did not finish)."
    """Shown instead of a grade when `grade` returns None."""


@dataclass(frozen=True, slots=True)
class Graded:
    """A prediction as committed at Run, and what the run said."""

    choice: str | None
    """The option picked when Run was pressed (None: no prediction was made)."""
    outcome: Outcome | None
    """The run's answer (None: the run could not answer)."""

    @property
    def correct(self) -> bool | None:
        """Right or wrong; None without a choice or without an answer."""
        if self.choice is None or self.outcome is None:
            return None
        return self.choice == self.outcome.answer


def grade(prediction: Prediction, saved: Saved, choice: str | None) -> Graded:
    """Grade `choice` with what the run kept; a grading failure counts as "cannot answer"."""
    try:
        outcome = prediction.grade(saved)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError, ZeroDivisionError):
        outcome = None  # a run cut short keeps less than a whole one: no grade, never a crash
    if outcome is not None and outcome.answer not in prediction.options:
        raise ValueError(f"{prediction.id}: {outcome.answer!r} is not one of its options")
    return Graded(choice, outcome)


class PredictThenRun:
    """The question above a lesson's Run, and the grade under its results (module docstring)."""

    def __init__(self, lesson_id: str, prediction: Prediction, *, key: str) -> None:
        self.lesson_id, self.prediction = lesson_id, prediction
        self.radio_key = f"{key}_predict"

    def ask(self) -> None:
        """The question as a radio with nothing picked; the pick at Run is the prediction."""
        p = self.prediction
        st.radio(
            f":material/psychology_alt: **Predict first:** {p.question}",
            p.options,
            index=None,
            key=self.radio_key,
            help="Pick before you press Run: the run grades your pick with its own measured numbers.",
        )

    def run(self, run: Callable[[RunContext], Saved]) -> Callable[[RunContext], Saved]:
        """`run`, which also grades the prediction committed at this click and records the grade."""

        def graded_run(ctx: RunContext) -> Saved:
            choice = st.session_state.get(self.radio_key)  # read before the run: the commitment
            saved = run(ctx)
            graded = grade(self.prediction, saved, choice)
            if graded.correct is not None:
                record_prediction(self.lesson_id, self.prediction.id, graded.correct)
            return {**saved, GRADED: graded}

        return graded_run

    def show(self, show: Callable[[Saved], None] | None = None) -> Callable[[Saved], None]:
        """The grade (on the run and on every redraw), then the lesson's own `show`."""

        def graded_show(saved: Saved) -> None:
            if (graded := saved.get(GRADED)) is not None:
                render_grade(self.prediction, graded)
            if show is not None:
                show(saved)

        return graded_show


def render_grade(prediction: Prediction, graded: Graded) -> None:
    """Right, wrong, or no prediction, always with the run's reason in numbers."""
    outcome = graded.outcome
    if outcome is None:
        if graded.choice is not None:
            st.info(
                f"You predicted **{graded.choice}**. {prediction.unanswered}", icon=":material/help:"
            )
        return
    measured = f"Measured: {outcome.why}"
    if graded.correct is None:
        st.info(
            f"No prediction this time. The run says **{outcome.answer}**. {measured}",
            icon=":material/psychology_alt:",
        )
    elif graded.correct:
        st.success(f"**Right: {outcome.answer}.** {measured}", icon=":material/check_circle:")
    else:
        st.error(
            f"**Not this time:** you predicted {graded.choice}; the run says **{outcome.answer}**. "
            f"{measured}",
            icon=":material/cancel:",
        )
