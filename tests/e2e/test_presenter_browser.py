"""Presenter mode on a projector-sized screen (1280×720): large text and charts, the sidebar folded
away, the streaming answer scrolled into view while it streams, a big run clock, and the address
keeping the mode across lessons."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import (
    POLL_MS,
    RUN_TIMEOUT_MS,
    assert_no_exception,
    plotly_traces,
    rerun_after,
    run_button,
    start_run,
    wait_idle,
    wait_run,
)
from tools.browser import lesson_url

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1280, "height": 720}
# ~4 s of streaming (77 chunks at 20/s), after a 300 ms first-token wait.
PROFILE = {"ttft": "300", "tps": "20", "jitter": "0", "seed": "1"}
CLOCK = "#streamlab-run-clock"

# Every animation frame: the characters shown in the live output and where its box is.
TRACK_JS = """
(key) => {
  const w = (window.__track = { rows: [], on: true });
  const fresh = (el) => el.closest('[data-stale="true"]') === null;
  const sample = () => {
    const box = [...document.querySelectorAll('.st-key-' + key)].find(fresh);
    const parts = box ? [...box.querySelectorAll('[data-testid="stElementContainer"]')] : [];
    const chars = parts.filter(fresh).reduce((n, el) => n + el.textContent.length, 0);
    const r = box && box.getBoundingClientRect();
    w.rows.push({ t: performance.now(), chars, top: r ? r.top : null, bottom: r ? r.bottom : null,
                  height: window.innerHeight });
    if (w.on) requestAnimationFrame(sample);
  };
  requestAnimationFrame(sample);
}
"""


@pytest.fixture
def presenter_page(browser, app_url) -> Page:
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(lesson_url(app_url, "llm_direct", present="1", **PROFILE))
    page.locator("h1", has_text="Streaming an LLM directly").first.wait_for(timeout=RUN_TIMEOUT_MS)
    wait_idle(page)
    yield page
    context.close()


BODY_TEXT = '[data-testid="stMain"] [data-testid="stMarkdownContainer"] p'
FONT_PX_JS = "(s) => parseFloat(getComputedStyle(document.querySelector(s)).fontSize)"


def font_px(page: Page, selector: str) -> float:
    return page.evaluate(FONT_PX_JS, selector)


def wait_body_font(page: Page, large: bool) -> None:
    """Wait until body text is (`large`) or is not presenter-sized (the stylesheet comes with a run)."""
    check = f"(s) => ({FONT_PX_JS})(s) {'>=' if large else '<'} 20"
    page.wait_for_function(check, arg=BODY_TEXT, timeout=RUN_TIMEOUT_MS, polling=POLL_MS)


# The sidebar is out of the way: its right edge at or left of the window's left edge.
SIDEBAR_FOLDED_JS = (
    """() => document.querySelector('[data-testid="stSidebar"]').getBoundingClientRect().right <= 1"""
)


def sidebar_folded(page: Page) -> bool:
    return page.evaluate(SIDEBAR_FOLDED_JS)


def test_presenter_link_when_run_is_clicked_then_the_streaming_text_stays_on_screen(presenter_page):
    page = presenter_page
    wait_body_font(page, large=True)
    page.wait_for_function(SIDEBAR_FOLDED_JS, timeout=RUN_TIMEOUT_MS, polling=POLL_MS)
    # Put Run at the bottom edge, as a presenter scrolling down to it would see it: the answer
    # then starts below the window, and only presenter mode brings it up.
    run_button(page, "direct_run").evaluate("(el) => el.scrollIntoView({block: 'end'})")
    page.evaluate(TRACK_JS, "direct_output")
    start_run(page, lambda: run_button(page, "direct_run").click(no_wait_after=True))
    clock = page.locator(CLOCK)
    expect(clock).to_have_attribute("data-state", "running", timeout=RUN_TIMEOUT_MS)
    wait_run(page, done=page.locator(".st-key-direct_arrival .js-plotly-plot"))
    rows = page.evaluate("window.__track.on = false, window.__track.rows")
    assert_no_exception(page)

    final = rows[-1]["chars"]
    streaming = [r for r in rows if 0 < r["chars"] < final]
    assert len(streaming) >= 20, rows  # the answer grew over many frames
    settled = [r for r in streaming if r["t"] - streaming[0]["t"] >= 200]  # one scroll's time
    outside = [r for r in settled if not (r["top"] >= 0 and r["bottom"] <= r["height"])]
    assert not outside, f"{len(outside)} of {len(settled)} mid-stream frames off screen: {outside[:5]}"
    # The clock counted the run and stopped at its end, in big digits.
    expect(clock).to_have_attribute("data-state", "done")
    seconds = float(re.fullmatch(r"Run (\d+\.\d) s", clock.inner_text().strip()).group(1))
    assert 4.0 <= seconds <= 30, seconds
    assert font_px(page, CLOCK) >= 40
    # Charts match the text: the arrival chart's fonts are the presenter template's.
    plotly_traces(page, ".st-key-direct_arrival")
    chart_font = page.evaluate(
        "() => document.querySelector('.st-key-direct_arrival .js-plotly-plot')._fullLayout.font.size"
    )
    assert chart_font == 20


def test_presenter_mode_when_switching_lesson_then_the_address_keeps_it_and_the_toggle_ends_it(
    presenter_page,
):
    page = presenter_page
    nav = page.locator(".st-key-lesson_nav")
    nav.get_by_role("link", name=re.compile("Next: RunnableSequence")).click()
    page.locator("h1", has_text="RunnableSequence").first.wait_for(timeout=RUN_TIMEOUT_MS)
    wait_idle(page)
    page.wait_for_function(
        "() => new URL(location.href).searchParams.get('present') === '1'", polling=POLL_MS
    )
    assert sidebar_folded(page)
    wait_body_font(page, large=True)
    # The presenter opens the sidebar and turns the mode off: normal text, and the address drops it.
    page.get_by_test_id("stExpandSidebarButton").click()
    page.wait_for_function(f"() => !({SIDEBAR_FOLDED_JS})()", polling=POLL_MS)
    rerun_after(page, page.locator(".st-key-present_mode label").click)
    page.wait_for_function("() => !new URL(location.href).searchParams.has('present')", polling=POLL_MS)
    wait_body_font(page, large=False)
    assert page.locator(CLOCK).count() == 0
    assert not sidebar_folded(page)  # turning it off leaves the sidebar open
