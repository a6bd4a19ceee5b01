from __future__ import annotations

from tests.support.apptest import open_page, texts

PAGE = "lessons/04_llm_direct.py"


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


def test_truth_table_shows_what_the_streaming_flag_changes():
    at = open_page(PAGE)
    assert "Forgetting" in at.warning[0].value and "streams with the flag unset" in at.warning[0].value
    at.button(key="direct_table_run").click().run()
    assert not at.exception
    table = at.dataframe[0].value.set_index(["streaming=", "method"])
    assert len(table) == 9
    assert table.loc[("unset", "stream()"), "chunks"] > 3  # streams without streaming=True
    assert table.loc[("streaming=False", "stream()"), "chunks"] == 1
    assert table.loc[("streaming=True", "invoke()"), "on_llm_new_token calls"] > 0
    assert table.loc[("unset", "invoke()"), "on_llm_new_token calls"] == 0
    for flag in ("unset", "streaming=True", "streaming=False"):
        assert table.loc[(flag, "astream()"), "chunks"] == table.loc[(flag, "stream()"), "chunks"]
    assert "TokenCounter" in texts(at)
    at.run()  # a rerun keeps the measured table
    assert len(at.dataframe) == 1
