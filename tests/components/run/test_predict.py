"""Predict, then run: every lesson's question is graded from the numbers its run kept (change the
numbers and the right answer changes), the grade is recorded, and the pages grade a right and a
wrong prediction from a real run against the embedded simulator."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from components.run import predictions as p
from components.run.predict import Graded, Outcome, Prediction, grade
from components.run.predictions.chains import (
    BLOCKED,
    LAMBDA_GENERATOR,
    NO_COLLAPSED,
    PARALLEL,
    TOGETHER,
    YES_LAST_STEP,
)
from components.run.predictions.first_steps import (
    BOTH,
    DONE_ONLY,
    FEWER,
    FIRST_ONLY,
    FOUR_OR_MORE,
    LLM_DIRECT,
    MORE,
    NEITHER,
    NO_EMPTY,
    ONE_EMPTY,
    ONE_MESSAGE,
    ONE_PER_TOKEN,
    OVERVIEW,
    STILL_STREAMS,
    TWO_OR_THREE,
)
from components.run.predictions.measured import LONGER, NONE_OF_THEM, SAME, SHORTER, TAKEAWAY_CHAINS
from streamlab.catalog import LESSONS
from streamlab.demos.llm_direct import FlagRow, to_flag_table
from streamlab.measure.events import CapturedEvents, TimedEvent
from streamlab.measure.trials import Trial, to_frame
from tests.support.apptest import SMALL_PROFILE, open_page, table_with

# --- the component -------------------------------------------------------------------------------

ASK = Prediction("q", "Which?", ("a", "b"), lambda saved: Outcome(saved["answer"], "because"))


@pytest.mark.parametrize(
    "choice, answer, correct",
    [("a", "a", True), ("b", "a", False), (None, "a", None)],
)
def test_grade_when_choice_given_then_compares_it_with_the_runs_answer(choice, answer, correct):
    graded = grade(ASK, {"answer": answer}, choice)
    assert graded == Graded(choice, Outcome(answer, "because"))
    assert graded.correct is correct


def test_grade_when_run_kept_too_little_then_no_answer_and_no_grade():
    graded = grade(ASK, {}, "a")  # a run cut short: the key the grade reads is missing
    assert graded.outcome is None and graded.correct is None


def test_grade_when_answer_is_not_an_option_then_raises():
    with pytest.raises(ValueError, match="not one of its options"):
        grade(ASK, {"answer": "c"}, "a")


def test_every_prediction_belongs_to_a_lesson_and_has_distinct_options():
    ids = {lesson.id for lesson in LESSONS}
    assert len(p.PREDICTIONS) >= 8
    for lesson_id, prediction in p.PREDICTIONS.items():
        assert lesson_id in ids
        assert len(set(prediction.options)) == len(prediction.options) >= 2


# --- each lesson's grade reads the run's numbers ------------------------------------------------


def _summary(ttft, total, chunks=0, content=0, tokens=0, source="usage"):
    return {
        "ttft_ms": ttft, "total_ms": total, "chunks": chunks, "content_chunks": content,
        "output_tokens": tokens, "tokens_source": source,
    }  # fmt: skip


def _overview(**counts):
    return {"stream": {"summary": _summary(1, 2, **counts)}}


def _race(s_first, s_done, i_first, i_done):
    return {
        "summaries": {
            "llm.stream()": _summary(s_first, s_done),
            "llm.invoke()": _summary(i_first, i_done),
        }
    }


def _flags(off_chunks):
    rows = [
        FlagRow("unset", "stream()", 9, 5, 9),
        FlagRow("streaming=False", "stream()", off_chunks, 1, 0),
    ]
    return {"table": to_flag_table(rows)}


def _sequence(verdict, with_text):
    row = {
        "run": BLOCKED, "with text": with_text, "first text (ms)": 900.0, "LLM done (ms)": 880.0,
        "verdict": verdict,
    }  # fmt: skip
    return {"table": pd.DataFrame([row])}


def _parallel(short_done, detailed_done):
    branches = {
        "short": {"ttft_ms": 150.0, "total_ms": short_done},
        "detailed": {"ttft_ms": 600.0, "total_ms": detailed_done},
    }
    return {"names": ["short", "detailed"], "summary": {"branches": branches}}


def _events(model_stream_event, version="v2"):
    def event(name, run_id, kind):
        return TimedEvent(1.0, {"event": kind, "name": name, "run_id": run_id, "data": {}})

    timed = [
        event("RunnableSequence", "seq", "on_chain_start"),
        event("ChatOpenAI", "llm", "on_chat_model_start"),
        event("ChatOpenAI", "llm", model_stream_event),
        event("RunnableSequence", "seq", "on_chain_stream"),
        event("ChatOpenAI", "llm", model_stream_event),
    ]
    return {"captured": CapturedEvents(version, timed, [], 10.0)}  # type: ignore[arg-type]


def _lambda_row(verdict):
    case = SimpleNamespace(component=LAMBDA_GENERATOR)
    m = SimpleNamespace(
        verdict=verdict, error=None, content_chunks=7, ttft_ms=900.0, last_ms=901.0, llm_end_ms=899.0
    )
    return {"results": [(case, m)]}


def _trials(stream_total, invoke_total):
    trials = [
        Trial(1, "stream", 150.0, stream_total, 20),
        Trial(1, "invoke", invoke_total, invoke_total, 1),
    ]
    return {"frame": to_frame(trials)}


def _internals(kinds):
    return {"result": SimpleNamespace(chunk_rows=pd.DataFrame({"kind": kinds}))}


CONTENT = ["content"] * 5


@pytest.mark.parametrize(
    "lesson, saved, answer",
    [
        ("overview", _overview(chunks=9, content=5, tokens=5), MORE),
        ("overview", _overview(chunks=5, content=5, tokens=5), ONE_PER_TOKEN),
        ("overview", _overview(chunks=3, content=3, tokens=9), FEWER),
        ("why_streaming", _race(150, 1500, 1490, 1500), FIRST_ONLY),
        ("why_streaming", _race(150, 1000, 1490, 1500), BOTH),
        ("why_streaming", _race(1400, 1500, 1490, 1500), NEITHER),
        ("why_streaming", _race(1400, 1000, 1490, 1500), DONE_ONLY),
        ("internals", _internals(["role", *CONTENT, "finish", "usage", "last"]), FOUR_OR_MORE),
        ("internals", _internals(["role", *CONTENT, "finish", "last"]), TWO_OR_THREE),
        ("internals", _internals(["role", *CONTENT]), ONE_EMPTY),
        ("internals", _internals(CONTENT), NO_EMPTY),
        ("llm_direct", _flags(1), ONE_MESSAGE),
        ("llm_direct", _flags(9), STILL_STREAMS),
        ("sequence", _sequence("doesn't stream: one chunk", 1), NO_COLLAPSED),
        ("sequence", _sequence("streams", 12), YES_LAST_STEP),
        ("parallel", _parallel(1000.0, 4000.0), "`short`"),
        ("parallel", _parallel(4000.0, 1000.0), "`detailed`"),
        ("parallel", _parallel(4000.0, 3900.0), TOGETHER),
        ("astream_events", _events("on_chat_model_stream"), "on_chat_model_stream"),
        ("astream_events", _events("on_llm_stream"), "on_llm_stream"),
        ("can_cannot_stream", _lambda_row("partial"), "partial: several chunks, all at the end"),
        ("can_cannot_stream", _lambda_row("streams"), "streams"),
        ("streaming_vs_not", _trials(1500.0, 1490.0), SAME),
        ("streaming_vs_not", _trials(900.0, 1500.0), SHORTER),
        ("streaming_vs_not", _trials(2000.0, 1500.0), LONGER),
        ("takeaways", {"counts": {"prompt | llm": 9, "llm | plain function": 1}}, TAKEAWAY_CHAINS[3]),
        ("takeaways", {"counts": {"llm (streaming unset)": 9, "prompt | llm": 9}}, NONE_OF_THEM),
    ],
)  # fmt: skip
def test_when_run_measured_these_numbers_then_its_answer_follows_them(lesson, saved, answer):
    outcome = grade(p.PREDICTIONS[lesson], saved, None).outcome
    assert outcome is not None and outcome.answer == answer
    assert any(ch.isdigit() for ch in outcome.why)  # the reason quotes the run's numbers


@pytest.mark.parametrize(
    "lesson, saved",
    [
        ("overview", {"stream": {"summary": _summary(1, 2, 9, 5, 5, source="chunks")}}),  # no usage
        ("sequence", {"table": pd.DataFrame(columns=["run"])}),  # the variant was not picked
        ("astream_events", _events("on_chat_model_stream", version="v3")),
        ("internals", {"result": None}),
        ("takeaways", {"counts": None}),
    ],
)
def test_when_run_cannot_answer_then_no_outcome(lesson, saved):
    assert grade(p.PREDICTIONS[lesson], saved, p.PREDICTIONS[lesson].options[0]).outcome is None


def test_prediction_rows_list_graded_predictions_in_lesson_order():
    rows = p.prediction_rows(
        {"parallel": {"first_branch_done": False}, "overview": {"chunks_vs_tokens": True}}
    )
    assert rows["lesson"].tolist() == ["Overview & mental model", "RunnableParallel"]
    assert rows["result"].tolist() == ["right", "wrong"]
    assert rows["prediction"].tolist() == [OVERVIEW.question, PARALLEL.question]


# --- the pages: a real run grades the prediction committed at Run ---------------------------------

PAGE = "lessons/04_llm_direct.py"


@pytest.mark.parametrize(
    "choice, correct",
    [(ONE_MESSAGE, True), (STILL_STREAMS, False)],
    ids=["right", "wrong"],
)
def test_when_prediction_committed_then_the_run_grades_and_records_it(choice, correct):
    at = open_page(PAGE)
    at.radio(key="direct_table_predict").set_value(choice).run()
    at.button(key="direct_table_run").click().run()
    assert not at.exception
    (box,) = at.success if correct else at.error
    assert "`stream()` yielded 1 chunk (1 with text)" in box.value  # the run's own count
    assert ("Right:" in box.value) is correct
    assert at.session_state["predictions"] == {"llm_direct": {"streaming_false": correct}}


def test_when_no_prediction_then_run_shows_its_answer_and_records_nothing():
    at = open_page(PAGE)
    at.button(key="direct_table_run").click().run()
    assert not at.exception
    assert any("No prediction this time" in i.value for i in at.info)
    assert "predictions" not in at.session_state or not at.session_state["predictions"]


def test_when_prediction_made_then_takeaways_show_it_next_to_the_quiz_score():
    at = open_page(PAGE)
    at.radio(key="direct_table_predict").set_value(STILL_STREAMS).run()
    at.button(key="direct_table_run").click().run()
    at.switch_page("lessons/15_takeaways.py").run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Predictions right"] == "0/1" and "Quiz score" in metrics
    table = table_with(at, "prediction")
    assert table.to_dict("records") == [
        {
            "lesson": "Streaming an LLM directly",
            "prediction": LLM_DIRECT.question,
            "result": "wrong",
        }
    ]


RUNS = {  # lesson id → (page, Run button key, radio key prefix)
    "overview": ("lessons/01_overview.py", "ov_run", "ov"),
    "why_streaming": ("lessons/02_why_streaming.py", "why_run", "why"),
    "internals": ("lessons/03_internals.py", "int_run", "int"),
    "llm_direct": ("lessons/04_llm_direct.py", "direct_table_run", "direct_table"),
    "sequence": ("lessons/05_sequence.py", "seq_run", "seq"),
    "parallel": ("lessons/06_parallel.py", "par_run", "par"),
    "astream_events": ("lessons/07_astream_events.py", "ev_run", "ev"),
    "can_cannot_stream": ("lessons/08_can_cannot_stream.py", "cc_run", "cc"),
    "streaming_vs_not": ("lessons/09_streaming_vs_not.py", "cmp_run", "cmp"),
    "takeaways": ("lessons/15_takeaways.py", "takeaways_run", "takeaways"),
}


def test_every_prediction_is_asked_on_its_lessons_page():
    assert set(RUNS) == set(p.PREDICTIONS)


@pytest.mark.parametrize("lesson", list(RUNS))
def test_when_lesson_runs_after_a_prediction_then_its_real_run_grades_it(lesson):
    page, button, key = RUNS[lesson]
    prediction = p.PREDICTIONS[lesson]
    at = open_page(page, profile=SMALL_PROFILE)
    at.radio(key=f"{key}_predict").set_value(prediction.options[0]).run()
    at.button(key=button).click().run()
    assert not at.exception
    (graded,) = [box.value for box in [*at.success, *at.error] if "Measured:" in box.value]
    correct = at.session_state["predictions"][lesson][prediction.id]
    assert graded.startswith("**Right:") is correct
