from __future__ import annotations

from components.views.takeaways import TIMED as LESSONS
from streamlab.demos.takeaways import QUESTIONS
from tests.support.apptest import FAST_PROFILE, open_page, texts

PAGE = "lessons/15_takeaways.py"


def _progress_texts(at) -> list[str]:
    return [p.proto.text for p in at.get("progress")]


def test_page_shows_takeaways_the_seed_correction_and_empty_progress():
    at = open_page(PAGE)
    assert not at.exception
    assert "enabled at the" in at.warning[0].value and "Actually" in at.warning[0].value
    assert f"0 of {len(LESSONS)} lessons run" in _progress_texts(at)
    assert len(at.get("page_link")) == len(LESSONS)
    assert {m.label: m.value for m in at.metric}["Quiz score"] == f"0 / {len(QUESTIONS)}"


def test_progress_counts_lessons_marked_as_run():
    at = open_page(PAGE)
    at.session_state["lessons_run"] = {"overview", "tool_calls", "common_mistakes"}
    at.run()
    assert not at.exception
    assert f"3 of {len(LESSONS)} lessons run" in _progress_texts(at)
    labels = [link.proto.label for link in at.get("page_link")]
    assert "Streaming tool calls: run" in labels and "RunnableParallel: not run yet" in labels


def test_checking_answers_scores_them_and_explains_wrong_ones():
    at = open_page(PAGE)
    first, second = QUESTIONS[0], QUESTIONS[1]
    at.radio(key=f"quiz_{first.id}").set_value(first.options[first.answer])
    at.button(key=f"quiz_{first.id}_check").click().run()
    wrong = next(o for i, o in enumerate(second.options) if i != second.answer)
    at.radio(key=f"quiz_{second.id}").set_value(wrong)
    at.button(key=f"quiz_{second.id}_check").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Right."]
    assert at.error[0].value == f"Not quite. {second.explanation}"
    assert at.session_state["quiz_results"] == {first.id: True, second.id: False}
    assert at.session_state["quiz_score"] == 1
    assert {m.label: m.value for m in at.metric}["Quiz score"] == f"1 / {len(QUESTIONS)}"


def test_check_without_a_choice_asks_for_one_and_a_new_choice_clears_the_verdict():
    at = open_page(PAGE)
    question = QUESTIONS[2]
    at.button(key=f"quiz_{question.id}_check").click().run()
    assert "Pick an answer first." in [w.value for w in at.warning]
    at.radio(key=f"quiz_{question.id}").set_value(question.options[question.answer])
    at.button(key=f"quiz_{question.id}_check").click().run()
    assert at.session_state["quiz_results"] == {question.id: True}
    at.radio(key=f"quiz_{question.id}").set_value(question.options[question.answer - 1]).run()
    assert at.session_state["quiz_results"] == {}
    assert not at.success


def test_run_proves_only_the_plain_function_chain_collapses():
    at = open_page(PAGE)
    at.button(key="takeaways_run").click().run()
    assert not at.exception
    counts = at.session_state["takeaways_counts"]
    assert counts["llm | plain function"] == 1
    assert all(count > 10 for name, count in counts.items() if name != "llm | plain function")
    assert "return llm | message_text" in texts(at)


def test_a_provider_error_is_explained_not_raised():
    at = open_page(PAGE, profile={**FAST_PROFILE, "sim_fault": "500"})
    at.button(key="takeaways_run").click().run()
    assert not at.exception
    assert "internal error (HTTP 500)" in at.error[0].value
    assert "takeaways_counts" not in at.session_state
