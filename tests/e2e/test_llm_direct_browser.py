"""What the learner sees: streamed text grows in the DOM; invoke()'s text appears at once; the
three layers (sent by server → received by LangChain → shown in browser) come in that order."""

from __future__ import annotations

import pytest

from tests.support.browser import (
    BROWSER,
    LANGCHAIN,
    REPORTS_JS,
    SERVER,
    assert_appears_at_once,
    assert_no_exception,
    click_run,
    growth_steps,
    open_lesson,
    rerun_after,
    run_until_layers,
    samples,
    shown_chars,
    watch,
)

pytestmark = pytest.mark.browser
PROFILE = {"ttft": "200", "tps": "60", "jitter": "0", "seed": "1"}


def run_and_sample(page, app_url: str, *, streaming: bool) -> list[tuple[float, int]]:
    open_lesson(page, app_url, "llm_direct", **PROFILE)
    if not streaming:
        rerun_after(page, page.get_by_text("Stream with").click)
    watch(page, {"text": ".st-key-direct_output"})
    click_run(page, "direct_run")
    assert_no_exception(page)
    return samples(page)["text"]


def test_streamed_output_grows_incrementally(page, app_url):
    seen = run_and_sample(page, app_url, streaming=True)
    assert len(growth_steps(seen)) >= 8, seen  # eight or more distinct, growing lengths painted


def test_invoked_output_appears_at_once(page, app_url):
    assert_appears_at_once(run_and_sample(page, app_url, streaming=False))


def test_three_layers_show_sent_received_and_painted_in_order(page, app_url):
    open_lesson(page, app_url, "llm_direct", **PROFILE)
    for _ in range(2):  # the second run must not count the first run's (stale) text as painted
        (table,) = run_until_layers(page, "direct_run", ["direct_layers"])
        sent, received, shown = table[SERVER], table[LANGCHAIN], table[BROWSER]
        assert sent["first"] <= received["first"] <= shown["first"], table
        assert 200 <= sent["first"] <= 200 + 300, table  # configured TTFT 200 ms, plus request setup
        # Same machine, one socket: a few ms when quiet (bench/README), under 150 on a loaded CI box.
        assert received["first"] - sent["first"] <= 150, table
        assert shown["first"] - received["first"] <= 600, table  # quiet: ~20-50 ms (bench/README)
        assert sent["last"] <= received["last"] <= shown["last"], table
        assert shown["last"] - received["last"] <= 1000, table


def test_browser_reports_once_and_its_rerun_keeps_the_whole_answer(page, app_url):
    """The report is a rerun: afterwards the page still shows the complete answer and metrics,
    every layer counted the same characters, and no further reruns follow."""
    open_lesson(page, app_url, "llm_direct", **PROFILE)
    (table,) = run_until_layers(page, "direct_run", ["direct_layers"])
    chars = {layer: row["chars"] for layer, row in table.items()}
    assert chars[SERVER] == chars[LANGCHAIN] == chars[BROWSER] == shown_chars(page, "direct_output")
    assert page.evaluate(REPORTS_JS) == 1, table
    page.wait_for_timeout(1000)  # nothing to wait for: proving that no further report arrives
    assert page.evaluate(REPORTS_JS) == 1
    assert page.locator('[data-testid="stMetric"]').count() == 4
