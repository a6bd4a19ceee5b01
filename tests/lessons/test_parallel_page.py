from __future__ import annotations

from tests.support.apptest import open_page, texts

PAGE = "lessons/06_parallel.py"
# Small but overlapping latencies: `detailed` waits 4× longer and streams at 0.4× the speed.
PROFILE = {"sim_ttft_ms": 20.0, "sim_tokens_per_s": 400.0, "sim_jitter_ms": 0.0, "sim_seed": 1}


def _ms(value: str) -> float:
    return float(value.removesuffix(" ms").replace(",", ""))


def test_run_streams_both_branches_and_proves_the_lesson():
    at = open_page(PAGE, profile=PROFILE)
    at.text_input(key="par_question").set_value("Explain RAG")
    at.slider(key="par_max_tokens").set_value(60)
    at.button(key="par_run").click().run()
    assert not at.exception
    page = texts(at)
    assert "{'short': AIMessageChunk(content=" in page and "{'detailed': AIMessageChunk(content=" in page
    assert page.count("Retrieval-Augmented Generation") >= 2  # both columns got their answer
    assert "add_up(chunks) → AddableDict({'" in page  # key order = which branch answered first
    assert "'short': AIMessageChunk(content=" in page and "'detailed': AIMessageChunk(content=" in page
    checks = [m.value for m in at.markdown if m.value.startswith(("✅", "❌"))]
    assert len(checks) == 4 and all(c.startswith("✅") for c in checks), checks
    ttfts = [_ms(m.value) for m in at.metric if m.label == "TTFT"]
    assert len(ttfts) == 2 and ttfts[0] < ttfts[1]  # `short` column first, then `detailed`
    cards = {m.label: m.value for m in at.metric}
    assert _ms(cards["Parallel run"]) < _ms(cards["Sum of branches"])
    assert _ms(cards["Parallel run"]) < _ms(cards["One after the other"])
    assert len(at.get("plotly_chart")) == 1 + 2  # arrival + a layer chart per branch


def test_run_without_baseline_shows_no_measured_sequential_time():
    at = open_page(PAGE, profile=PROFILE)
    at.slider(key="par_max_tokens").set_value(20)
    at.checkbox(key="par_sequential").uncheck()
    at.button(key="par_run").click().run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["One after the other"] == "—"


def test_empty_question_is_refused_with_a_clear_message():
    at = open_page(PAGE)
    at.text_input(key="par_question").set_value("  ")
    at.button(key="par_run").click().run()
    assert not at.exception
    assert "prompt is empty" in at.error[0].value
