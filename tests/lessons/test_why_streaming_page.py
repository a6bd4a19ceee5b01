from __future__ import annotations

import re

from tests.support.apptest import SMALL_PROFILE, open_page, texts

PAGE = "lessons/02_why_streaming.py"
# Small but real latency: the race needs time for text to arrive in steps.


def _ms(value: str) -> float:
    return float(value.replace(",", "").split()[0])


def test_race_streamed_lane_shows_text_much_sooner_and_finishes_about_together():
    at = open_page(PAGE, profile=SMALL_PROFILE)
    at.button(key="why_run").click().run()
    assert not at.exception
    cards = [(m.label, m.value) for m in at.metric]
    ttft = [_ms(v) for label, v in cards if label == "TTFT"]
    total = [_ms(v) for label, v in cards if label == "Total"]
    chunks = [v for label, v in cards if label == "Chunks"]
    assert len(ttft) == 2, cards  # streamed lane first, then the invoked lane
    assert ttft[0] * 3 < ttft[1]
    assert 0.6 < total[0] / total[1] < 1.6
    assert int(chunks[0]) > 20 and chunks[1] == "1"
    assert re.search(r"Streaming showed first text \d+\.\d× sooner", at.success[0].value)
    page = texts(at)
    lanes = re.findall(r"User sees text at \*\*([\d,]+) ms\*\*\s*·\s*done at \*\*([\d,]+) ms", page)
    (stream_seen, stream_done), (invoke_seen, invoke_done) = [(_ms(a), _ms(b)) for a, b in lanes]
    # "Time until seen" vs done: invoke shows its text only when it is done (the two events are
    # stamped one after the other on the lane's thread, so a busy machine can put 1-2 ms between).
    assert stream_seen * 3 < invoke_seen and abs(invoke_done - invoke_seen) <= 5
    assert 0.6 < stream_done / invoke_done < 1.6
    assert "Race clock" in page
    assert "return llm.stream(prompt)" in page and "return [llm.invoke(prompt)]" in page
    assert at.get("plotly_chart"), "the arrival chart is drawn"
    assert "why_streaming" in at.session_state["lessons_run"]


def test_both_lanes_show_the_same_answer():
    at = open_page(PAGE)
    at.text_input(key="why_prompt").set_value("Explain RAG")
    at.button(key="why_run").click().run()
    assert not at.exception
    assert texts(at).count("Retrieval-Augmented Generation") == 2


def test_seed_claim_about_immediate_tokens_is_corrected():
    at = open_page(PAGE)
    warning = at.warning[0].value
    assert "tokens arrive immediately" in warning and "Actually" in warning


def test_empty_prompt_is_refused_with_a_clear_message():
    at = open_page(PAGE)
    at.text_input(key="why_prompt").set_value("")
    at.button(key="why_run").click().run()
    assert not at.exception
    assert "prompt" in at.error[0].value


def test_a_server_error_is_explained_in_each_lane_without_a_verdict():
    at = open_page(
        PAGE,
        profile={
            "sim_ttft_ms": 0.0,
            "sim_tokens_per_s": 0.0,
            "sim_jitter_ms": 0.0,
            "sim_seed": 1,
            "sim_fault": "500",
        },
    )
    at.button(key="why_run").click().run()
    assert not at.exception
    explained = "The provider had an internal error (HTTP 500). Try again."
    assert [e.value for e in at.error] == [explained, explained]
    assert not at.success
