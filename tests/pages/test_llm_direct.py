from __future__ import annotations

from tests.pages.conftest import open_page, texts

PAGE = "pages/04_llm_direct.py"


def test_streaming_run_shows_text_metrics_and_the_code_that_ran():
    at = open_page(PAGE)
    at.text_input(key="direct_question").set_value("Explain RAG")
    at.button(key="direct_run").click().run()
    assert not at.exception
    assert "Retrieval-Augmented Generation" in texts(at)
    assert "return llm.stream(question)" in texts(at)
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Chunks"]) > 20


def test_invoke_run_gives_one_chunk():
    at = open_page(PAGE)
    at.toggle(key="direct_stream").set_value(False).run()
    assert "return llm.invoke(question)" in texts(at)
    at.button(key="direct_run").click().run()
    assert "Retrieval-Augmented Generation" not in texts(at)  # default question is not about RAG
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Chunks"] == "1"


def test_empty_question_is_refused_with_a_clear_message():
    at = open_page(PAGE)
    at.text_input(key="direct_question").set_value("   ")
    at.button(key="direct_run").click().run()
    assert not at.exception
    assert "prompt is empty" in at.error[0].value
