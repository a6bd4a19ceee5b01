from __future__ import annotations

import pytest

from tests.support.apptest import FAST_PROFILE, open_page, texts

PAGE = "lessons/11_common_mistakes.py"
NAMES = ["print", "lambda", "plain_step", "config", "sync_in_async", "async_for", "streaming_flag"]


def _run(name: str, question: str | None = None):
    at = open_page(PAGE)
    if question is not None:
        at.text_input(key="mist_question").set_value(question)
    at.button(key=f"mist_{name}_run").click().run()
    assert not at.exception, at.exception
    wrong, right = at.session_state[f"mist_{name}_result"]
    return at, wrong, right


def test_every_demo_has_a_tab_and_a_run_button_and_the_seed_correction():
    at = open_page(PAGE)
    assert not at.exception
    assert len(at.tabs) == len(NAMES)
    for name in NAMES:
        assert at.button(key=f"mist_{name}_run")
    assert "The seed says" in at.warning[0].value
    assert "yield str(chunk)" in texts(at)  # the recipes' source is on the page


def test_print_chunk_shows_reprs_and_content_shows_text():
    at, wrong, right = _run("print")
    assert "additional_kwargs={}" in wrong.text
    assert wrong.text.count("content=") == wrong.summary["chunks"] > 10
    assert "additional_kwargs" not in right.text
    assert wrong.summary["Characters printed"] > 5 * right.summary["Characters printed"]
    assert "content='" in texts(at)


def test_lambda_is_one_chunk_and_generator_is_one_per_word():
    at, wrong, right = _run("lambda", "one two three four")
    assert wrong.text == "ONE TWO THREE FOUR"
    assert wrong.summary["content_chunks"] == 1
    assert right.summary["content_chunks"] == 4
    assert "ChatPromptValue" in texts(at)


def test_plain_step_collapses_the_stream_and_generator_step_keeps_it():
    _, wrong, right = _run("plain_step")
    assert wrong.summary["content_chunks"] == 1
    assert right.summary["content_chunks"] > 10
    assert wrong.text == right.text


def test_config_without_passing_gives_one_piece_with_passing_many():
    at, wrong, right = _run("config")
    assert wrong.summary["content_chunks"] == 1  # the final answer, all at once
    assert right.summary["content_chunks"] > 10
    assert at.session_state["mist_config_control"] > 10  # same thread: streams without config
    assert "Control:" in "\n".join(i.value for i in at.info)


def test_sync_stream_in_async_code_gets_no_ticks():
    _, wrong, right = _run("sync_in_async")
    assert wrong.summary["total_ms"] > 200 and right.summary["total_ms"] > 200
    assert wrong.summary["Ticks"] <= 1
    assert right.summary["Ticks"] >= max(5, 0.2 * right.summary["Expected"])


def test_plain_for_over_astream_shows_the_type_error_and_async_for_streams():
    at, wrong, right = _run("async_for")
    assert wrong.text == "TypeError: 'async_generator' object is not iterable"
    assert wrong.text in texts(at)
    assert right.summary["content_chunks"] > 10


def test_streaming_false_is_one_chunk_and_unset_streams():
    at, wrong, right = _run("streaming_flag")
    assert wrong.summary["chunks"] == 1
    assert right.summary["content_chunks"] > 10
    counts = at.session_state["mist_streaming_flag_invoke"]
    assert counts["unset"] == 0 and counts["streaming=True"] > 10


def test_results_survive_a_run_in_another_tab():
    at = open_page(PAGE)
    at.button(key="mist_async_for_run").click().run()
    at.button(key="mist_lambda_run").click().run()
    assert not at.exception
    assert "TypeError: 'async_generator' object is not iterable" in texts(at)
    assert "common_mistakes" in at.session_state["lessons_run"]


@pytest.mark.parametrize("name", ["print", "config"])
def test_empty_question_is_refused(name):
    at = open_page(PAGE)
    at.text_input(key="mist_question").set_value("  ")
    at.button(key=f"mist_{name}_run").click().run()
    assert not at.exception
    assert "prompt is empty" in at.error[0].value


@pytest.mark.parametrize("name", ["print", "plain_step", "config", "sync_in_async", "streaming_flag"])
def test_a_provider_error_is_explained_not_raised(name):
    at = open_page(PAGE, profile={**FAST_PROFILE, "sim_fault": "500"})
    at.button(key=f"mist_{name}_run").click().run()
    assert not at.exception
    assert any("internal error (HTTP 500)" in e.value for e in at.error)
    assert f"mist_{name}_result" not in at.session_state
