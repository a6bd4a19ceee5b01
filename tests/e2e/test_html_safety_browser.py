"""Model output is text, never markup: an injected payload must not execute in the browser."""

from __future__ import annotations

import http.server
import threading

import pytest
from playwright.sync_api import expect

from tests.support.browser import assert_no_exception, click_run, open_lesson, rerun_after

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
    expect(output).to_contain_text("Hello")


@pytest.fixture
def pixel_server():
    """A loopback HTTP server that records every request: a stand-in for a tracking pixel's host."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("content-type", "image/gif")
            self.end_headers()
            self.wfile.write(b"GIF89a")

        def log_message(self, *args):  # keep the test output clean
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()


def test_when_the_answer_holds_a_markdown_image_then_the_browser_fetches_nothing_remote(
    page, app_url, pixel_server
):
    url, hits = pixel_server
    answer = f"Look ![pixel]({url}/inline.gif) and ![ref][p] done\n\n[p]: {url}/reference.gif"
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    open_lesson(page, app_url, "llm_direct", ttft="0", tps="200", seed="1")
    page.get_by_text("Inject a fault").click()
    box = page.locator(".st-key-sim_text textarea")
    box.fill(answer)
    rerun_after(page, lambda: box.press("Control+Enter"))  # commits a text_area value
    click_run(page, "direct_run")
    output = page.locator(".st-key-direct_output")
    output.get_by_text("done").wait_for(timeout=30_000)
    assert_no_exception(page)
    assert output.locator("img").count() == 0
    expect(output).to_contain_text("pixel")  # the image's text is still there, as text
    assert hits == []
    local = (app_url, f"blob:{app_url}", "data:")  # the app, and what the page made itself
    assert [u for u in requested if not u.startswith(local)] == []  # nothing leaves the app
