from __future__ import annotations

from tests.pages.conftest import open_page, texts

PAGE = "pages/01_overview.py"


def test_run_shows_both_modes_the_flow_and_the_filled_in_mental_model():
    at = open_page(PAGE)
    at.text_input(key="ov_prompt").set_value("Explain RAG")
    at.button(key="ov_run").click().run()
    assert not at.exception
    page = texts(at)
    assert "return llm.invoke(prompt)" in page and "return llm.stream(prompt)" in page
    assert page.count("Retrieval-Augmented Generation") >= 2  # both answers are shown
    # The mental model line: invoke gives one AIMessage, stream starts with the empty role chunk.
    assert "invoke() → AIMessage(content=" in page
    assert "stream() → '' → " in page
    cards = [(m.label, m.value) for m in at.metric]
    chunks = [value for label, value in cards if label == "Chunks"]
    assert chunks[0] == "1" and int(chunks[1]) > 20  # invoke: one; stream: many
    # One flow diagram per mode (the final frame) and the arrival chart.
    assert len(at.get("plotly_chart")) == 3


def test_notice_counts_more_chunks_than_tokens():
    at = open_page(PAGE)
    at.button(key="ov_run").click().run()
    notice = next(i.value for i in at.info if "empty chunks" in i.value)
    chunks, tokens = (int(w) for w in notice.split("gave ")[1].split(" tokens")[0].split(" chunks for "))
    assert chunks == tokens + 4  # role + finish + usage + last


def test_seed_streaming_flag_correction_is_stated():
    at = open_page(PAGE)
    assert "streaming=True" in at.warning[0].value
    assert "not needed" in at.warning[0].value


def test_empty_prompt_is_refused_with_a_clear_message():
    at = open_page(PAGE)
    at.text_input(key="ov_prompt").set_value("  ")
    at.button(key="ov_run").click().run()
    assert not at.exception
    assert "prompt" in at.error[0].value
