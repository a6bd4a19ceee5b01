"""What the learner sees: streamed text grows in the DOM; invoke()'s text appears at once; the
three layers (sent by server → received by LangChain → shown in browser) come in that order."""

from __future__ import annotations

import pytest

from tests.support.browser import WATCH_JS, assert_no_exception, open_lesson

pytestmark = pytest.mark.browser
PROFILE = {"ttft": "200", "tps": "60", "jitter": "0", "seed": "1"}


def run_and_sample(page, app_url: str, *, streaming: bool) -> list[list[float]]:
    open_lesson(page, app_url, "llm_direct", **PROFILE)
    if not streaming:
        page.get_by_text("Stream with").click()
        page.wait_for_timeout(500)
    page.evaluate(WATCH_JS, ".st-key-direct_output")
    page.get_by_role("button", name="Run").first.click()
    page.locator('[data-testid="stMetric"]').first.wait_for(timeout=30_000)
    assert_no_exception(page)
    return page.evaluate("window.__samples")


def increasing_lengths(samples: list[list[float]]) -> list[int]:
    lengths = [int(n) for _, n in samples if n > 0]
    return sorted(set(lengths))


def test_streamed_output_grows_incrementally(page, app_url):
    samples = run_and_sample(page, app_url, streaming=True)
    lengths = increasing_lengths(samples)
    assert len(lengths) >= 8, samples
    assert lengths == [n for _, n in samples if n > 0][: len(lengths)]  # only ever grows


def test_invoked_output_appears_at_once(page, app_url):
    samples = run_and_sample(page, app_url, streaming=False)
    lengths = increasing_lengths(samples)
    assert 1 <= len(lengths) <= 2, samples


LAYER_ROWS_JS = """
() => [...document.querySelectorAll('.st-key-direct_layers table tbody tr')].map(
  (tr) => [...tr.querySelectorAll('th, td')].map((cell) => cell.innerText.trim()))
"""


def number(cell: str) -> float | None:
    return None if cell in ("—", "") else float(cell.replace(",", ""))


def layer_times(page) -> dict[str, tuple[float | None, float | None]]:
    """{layer: (first token ms, last token ms)} from the page's three-layer table."""
    return {row[0]: (number(row[1]), number(row[2])) for row in page.evaluate(LAYER_ROWS_JS)}


def run_until_browser_layer(page) -> dict[str, tuple[float | None, float | None]]:
    page.get_by_role("button", name="Run").first.click()
    # The probe reports after the run; its rerun redraws the table with the browser row filled.
    page.wait_for_function(
        """() => [...document.querySelectorAll('.st-key-direct_layers table tbody tr')].some(
                 (tr) => tr.innerText.includes('shown in browser') && !tr.innerText.includes('—'))""",
        timeout=30_000,
    )
    page.wait_for_function(
        """() => document.querySelector('[data-testid="stApp"]')
                 .getAttribute('data-test-script-state') === 'notRunning'"""
    )
    assert_no_exception(page)
    return layer_times(page)


def test_three_layers_show_sent_received_and_painted_in_order(page, app_url):
    open_lesson(page, app_url, "llm_direct", **PROFILE)
    for _ in range(2):  # the second run must not count the first run's (stale) text as painted
        times = run_until_browser_layer(page)
        (sent, sent_last), (received, received_last), (shown, shown_last) = (
            times["sent by server"],
            times["received by LangChain"],
            times["shown in browser"],
        )
        assert sent <= received <= shown, times
        assert 200 <= sent <= 200 + 300, times  # configured TTFT 200 ms, plus the request setup
        assert received - sent <= 50, times
        assert shown - received <= 300, times
        assert sent_last <= received_last <= shown_last, times
        assert shown_last - received_last <= 500, times


def test_browser_reports_once_and_its_rerun_keeps_the_whole_answer(page, app_url):
    """The report is a rerun: afterwards the page still shows the complete answer and metrics,
    every layer counted the same characters, and no further reruns follow."""
    open_lesson(page, app_url, "llm_direct", **PROFILE)
    times = run_until_browser_layer(page)
    chars = {row[0]: row[5] for row in page.evaluate(LAYER_ROWS_JS)}
    shown = page.locator(".st-key-direct_output").inner_text().strip()
    assert chars["sent by server"] == chars["received by LangChain"] == chars["shown in browser"]
    assert len(shown) == int(chars["shown in browser"]), (shown, chars)
    reports = page.evaluate("() => Object.keys(window.__streamlabPaintReported || {}).length")
    assert reports == 1, times
    page.wait_for_timeout(1000)  # no further reruns: the probe reports once per run
    assert page.evaluate("() => Object.keys(window.__streamlabPaintReported).length") == 1
    assert page.locator('[data-testid="stMetric"]').count() == 4
