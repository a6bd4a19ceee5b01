"""What the learner sees: streamed text grows in the DOM; invoke()'s text appears at once."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import WATCH_JS, assert_no_exception, open_lesson

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
