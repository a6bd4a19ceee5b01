"""Model output is text, never markup: an injected payload must not execute in the browser."""

from __future__ import annotations

import pytest

from tests.support.browser import assert_no_exception, open_lesson

pytestmark = pytest.mark.browser
PAYLOAD = (
    'Hello <img src=x onerror="window.__xss=1"> and '
    '<script>window.__xss=2</script> <b onmouseover="window.__xss=3">bold</b> done'
)


def test_injected_html_in_the_answer_does_not_execute(page, app_url):
    open_lesson(page, app_url, "llm_direct", ttft="0", tps="200", seed="1")
    page.get_by_text("Inject a fault").click()
    box = page.locator(".st-key-sim_text textarea")
    box.fill(PAYLOAD)
    box.press("Control+Enter")  # commits a text_area value
    page.wait_for_timeout(500)
    page.locator(".st-key-direct_run button").click()
    output = page.locator(".st-key-direct_output")
    output.get_by_text("done").wait_for(timeout=30_000)
    page.wait_for_timeout(500)
    assert_no_exception(page)
    assert page.evaluate("window.__xss") is None
    assert output.locator("img, script, b[onmouseover]").count() == 0
    assert "Hello" in output.inner_text()
