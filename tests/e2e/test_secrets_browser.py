"""An API key typed in the sidebar goes from the browser to the app and to its own URL, never back:
no frame the server sends to the browser, no DOM text and no URL holds it."""

from __future__ import annotations

import re

import pytest

from tests.support.browser import (
    RUN_TIMEOUT_MS,
    assert_no_exception,
    click_run,
    open_lesson,
    rerun_after,
)

pytestmark = pytest.mark.browser

SECRET = "sk-proj-NEVER-ECHOED-0123456789abcdef"


def simulator_url(page) -> str:
    """The embedded simulator's OpenAI-style base URL, as "Check connection" reports it."""
    rerun_after(page, page.locator(".st-key-check_connection button").click)
    message = page.get_by_text(re.compile(r"Connected to http://")).first
    message.wait_for(timeout=RUN_TIMEOUT_MS)
    return re.search(r"http://[\d.:]+", message.inner_text()).group(0) + "/v1"


def fill(page, key: str, value: str) -> None:
    field = page.locator(f".st-key-{key} input")
    field.fill(value)
    rerun_after(page, lambda: field.press("Enter"))


def test_when_a_key_is_typed_and_used_then_the_server_never_sends_it_back(page, app_url):
    received: list[str | bytes] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: received.append(frame)))
    open_lesson(page, app_url, "llm_direct", ttft="0", tps="0", seed="1")
    sim_url = simulator_url(page)
    # The OpenAI key field: typed (and committed), not used.
    rerun_after(page, page.get_by_text("OpenAI", exact=True).click)
    fill(page, "openai_key", SECRET + "-openai")
    # The compatible URL's key: typed and sent with a real run to the URL next to it.
    rerun_after(page, page.get_by_text("OpenAI-compatible URL", exact=False).first.click)
    fill(page, "compat_url", sim_url)
    fill(page, "compat_model", "sim-fast")
    fill(page, "compat_key", SECRET)
    click_run(page, "direct_run")
    page.locator(".st-key-direct_output").get_by_text(re.compile(r"\w{3,}")).first.wait_for()
    assert_no_exception(page)
    frames = [f if isinstance(f, bytes) else f.encode() for f in received]
    assert frames, "no websocket frames were seen: the check would prove nothing"
    assert [f for f in frames if SECRET.encode() in f] == []
    # Only the password fields themselves hold it (masked); no text on the page and no URL does.
    assert SECRET not in page.locator("body").inner_text() and SECRET not in page.url
