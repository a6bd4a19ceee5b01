from __future__ import annotations

from tests.support.apptest import open_page, texts

PAGE = "lessons/01_overview.py"


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
    # The flow diagram of each mode ends all green, except the stream box that invoke skips.
    done = [s.value for s in at.success]
    assert sum(v.startswith("**UI / Client**") for v in done) == 2
    assert sum(v.startswith("**Token Stream**") for v in done) == 1
    assert any("**Token Stream** `skipped: one AIMessage`" in c.value for c in at.markdown)
    charts = [chart.key for chart in at.get("plotly_chart")]  # arrival, then each lane's layers
    assert charts == ["ov_arrival", "ov_layers_0_chart", "ov_layers_1_chart"]
    assert "overview" in at.session_state["lessons_run"]


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


def test_a_dropped_stream_keeps_its_partial_text_and_explains_the_error():
    at = open_page(
        PAGE,
        profile={
            "sim_ttft_ms": 0.0,
            "sim_tokens_per_s": 0.0,
            "sim_jitter_ms": 0.0,
            "sim_seed": 1,
            "sim_fault": "drop_after",
            "sim_drop_after": 5,
        },
    )
    at.button(key="ov_run").click().run()
    assert not at.exception
    assert "connection broke" in at.error[0].value
    assert any("Incomplete" in c.value for c in at.caption)
