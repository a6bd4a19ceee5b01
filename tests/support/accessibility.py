"""The accessibility check every lesson's browser test ends with: the page as its run left it,
seen at 1280×720 (a projector, or a laptop screen).

axe-core (shipped by axe-playwright-python) runs the wcag2a + wcag2aa rules: no serious or
critical violation may remain. Every chart has its text alternative (`render_figure`'s "The chart
as text"), no text the page shows is an emoji (this machine, like most Linux boxes, has no emoji
font), and the lesson sits at its own address and ends with links to the lessons before and
after it. The fixes live in .streamlit/config.toml, components/assets/accessible.css and .js
(components/accessibility.py), and the chart template.
"""

from __future__ import annotations

import contextlib
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from components.figures.render import ALT_TEXT_LABEL
from streamlab.catalog import LESSONS, Lesson, lesson
from tests.support.browser import POLL_MS, RUN_TIMEOUT_MS, wait_idle
from tests.support.glyphs import emoji_in_text

__all__ = ["VIEWPORT", "assert_accessible", "neighbours"]

VIEWPORT = {"width": 1280, "height": 720}
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]},
    "resultTypes": ["violations"],
}
BLOCKING = {"serious", "critical"}
# components/assets/accessible.js applies its markup fixes a moment after each redraw.
FIXES_DONE_JS = "() => window.__streamlabAccessible === true && !window.__streamlabAccessiblePending"
CHARTS_JS = """
(label) => {
  const main = document.querySelector('[data-testid="stMain"]');
  const alternatives = [...main.querySelectorAll('[data-testid="stExpander"] summary')]
    .filter((summary) => summary.textContent.includes(label));
  return {charts: main.querySelectorAll('.js-plotly-plot').length, alternatives: alternatives.length};
}
"""


def assert_accessible(page: Page, lesson_id: str) -> None:
    """The lesson `lesson_id` on `page`, after its run: at its address, with its neighbours'
    links, and, at 1280×720, no blocking axe violation, a text for every chart and no emoji."""
    shown = lesson(lesson_id)
    path = urlsplit(page.url).path.strip("/")
    assert path == ("" if shown is LESSONS[0] else shown.url_path), page.url
    assert neighbour_links(page, shown) == neighbours(shown)
    size = page.viewport_size
    page.set_viewport_size(VIEWPORT)
    # Two frames: the resize event (it queues the markup fixes for new scrollers) has fired.
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
    try:
        charts = charts_drawn(page)  # plotly draws a moment after its element arrives
        problems = blocking_violations(page)
        if charts["charts"] != charts["alternatives"]:
            problems.append(f"{charts['charts']} charts but {charts['alternatives']} text alternatives")
        if emoji := emoji_in_text(page.locator("body").inner_text()):
            problems.append(f"emoji in the page's text: {emoji}")
    finally:
        if size:
            page.set_viewport_size(size)
    assert problems == [], f"{lesson_id}:\n" + "\n".join(problems)


def neighbours(shown: Lesson) -> list[str]:
    """The labels of a lesson's previous/next links: the catalog's lessons before and after it."""
    at = LESSONS.index(shown)
    before = [f"Previous: {LESSONS[at - 1].title}"] if at > 0 else []
    return before + ([f"Next: {LESSONS[at + 1].title}"] if at + 1 < len(LESSONS) else [])


def neighbour_links(page: Page, shown: Lesson) -> list[str]:
    """The labels of the previous/next links at the end of the page."""
    labels = page.locator(".st-key-lesson_nav a p")  # the link's text, without its icon
    expect(labels).to_have_count(len(neighbours(shown)), timeout=RUN_TIMEOUT_MS)
    return labels.all_inner_texts()


def charts_drawn(page: Page) -> dict[str, int]:
    """How many charts and text alternatives the page shows, once every chart is drawn (or the
    wait is over: then the counts tell what is missing)."""
    drawn = f"(label) => {{ const n = ({CHARTS_JS})(label); return n.charts >= n.alternatives; }}"
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(drawn, arg=ALT_TEXT_LABEL, timeout=15_000, polling=POLL_MS)
    return page.evaluate(CHARTS_JS, ALT_TEXT_LABEL)


def blocking_violations(page: Page) -> list[str]:
    """`rule (impact): n nodes, e.g. <first target>` for each serious or critical violation."""
    wait_idle(page)
    page.wait_for_function(FIXES_DONE_JS, timeout=RUN_TIMEOUT_MS, polling=POLL_MS)
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {len(v['nodes'])} nodes, e.g. {v['nodes'][0]['target']}"
        for v in violations
        if v["impact"] in BLOCKING
    ]
