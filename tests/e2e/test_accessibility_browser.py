"""Every lesson, after its Run, checked by axe-core (wcag2a + wcag2aa rules) at 1280×720.

One pass over all lessons in one browser page (one test per lesson, in catalog order, like a
learner going through them), so the suite stays fast. Each page must have no serious or critical
violation, every chart its text alternative (`render_figure`'s "The chart as text"), and no emoji
in its text (this machine, like most Linux boxes, has no emoji font). The fixes live in
.streamlit/config.toml, components/assets/accessible.css and .js (components/accessibility.py),
and the chart template.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from components.figures.render import ALT_TEXT_LABEL
from streamlab.catalog import LESSONS, Lesson
from tests.support.browser import (
    RUN_TIMEOUT_MS,
    assert_no_exception,
    click_run,
    go_to_lesson,
    lesson_address,
    press_slider,
    rerun_after,
    set_number,
    start_app,
    wait_idle,
)
from tests.support.glyphs import emoji_in_text

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1280, "height": 720}  # a projector, or a laptop screen
PROFILE = {"ttft": "20", "tps": "400", "jitter": "0", "seed": "1"}  # every run over in ~1 s
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


def press(key: str) -> Callable[[Page], None]:
    return lambda page: click_run(page, key)


def chat(page: Page) -> None:
    box = page.locator(".st-key-uc_chat_input textarea")
    box.fill("Explain RAG")
    rerun_after(page, lambda: box.press("Enter"))


def lab_few_trials(page: Page) -> None:
    set_number(page, "lab_trials", 3)  # per variant: enough for every table and chart
    click_run(page, "lab_run")


def few_trials(page: Page) -> None:
    press_slider(page, "cmp_trials", "Home", "ArrowRight", value="2")  # 2 per mode
    click_run(page, "cmp_run")


# What a learner does first on each lesson, so results, tables and charts are on the page.
# A lesson not listed gets its first Run (primary) button pressed; a timed lesson must have one.
RUNS: dict[str, Callable[[Page], None]] = {
    "overview": press("ov_run"),
    "why_streaming": press("why_run"),
    "internals": press("int_run"),
    "llm_direct": press("direct_run"),
    "sequence": press("seq_run"),
    "parallel": press("par_run"),
    "astream_events": press("ev_run"),
    "can_cannot_stream": press("cc_run"),
    "streaming_vs_not": few_trials,
    "use_cases": chat,
    "common_mistakes": press("mist_print_run"),
    "tool_calls": press("tools_run"),
    "fastapi": press("fa_run"),
    "latency_lab": lab_few_trials,
    "takeaways": press("takeaways_run"),
}


def run_lesson(page: Page, lesson: Lesson) -> None:
    if lesson.id in RUNS:
        RUNS[lesson.id](page)
        return
    button = page.get_by_test_id("stMain").get_by_test_id("stBaseButton-primary")  # TimedRun's
    if button.count():
        rerun_after(page, button.first.click)
    else:
        assert not lesson.timed, f"{lesson.id}: no Run button; say in RUNS how its run starts"


@pytest.fixture(scope="module")
def small_page(browser, app_url):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    start_app(page, app_url, **PROFILE)
    yield page
    context.close()


def neighbours(lesson: Lesson) -> list[str]:
    """The labels of `lesson`'s previous/next links: the catalog's lessons before and after it."""
    at = LESSONS.index(lesson)
    before = [f"Previous: {LESSONS[at - 1].title}"] if at > 0 else []
    return before + ([f"Next: {LESSONS[at + 1].title}"] if at + 1 < len(LESSONS) else [])


def neighbour_links(page: Page, lesson: Lesson) -> list[str]:
    """The labels of the previous/next links at the end of the page."""
    labels = page.locator(".st-key-lesson_nav a p")  # the link's text, without its icon
    expect(labels).to_have_count(len(neighbours(lesson)), timeout=RUN_TIMEOUT_MS)
    return labels.all_inner_texts()


def blocking_violations(page: Page) -> list[str]:
    """`rule (impact): n nodes, e.g. <first target>` for each serious or critical violation."""
    wait_idle(page)
    page.wait_for_function(FIXES_DONE_JS, timeout=RUN_TIMEOUT_MS)
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {len(v['nodes'])} nodes, e.g. {v['nodes'][0]['target']}"
        for v in violations
        if v["impact"] in BLOCKING
    ]


def charts_drawn(page: Page) -> dict[str, int]:
    """How many charts and text alternatives the page shows, once every chart is drawn (or the
    wait is over: then the counts tell what is missing)."""
    drawn = (
        f"() => {{ const n = ({CHARTS_JS})('{ALT_TEXT_LABEL}'); return n.charts >= n.alternatives; }}"
    )
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(drawn, timeout=15_000)
    return page.evaluate(CHARTS_JS, ALT_TEXT_LABEL)


def test_runs_when_listed_then_each_names_a_lesson_of_the_catalog():
    assert set(RUNS) <= {lesson.id for lesson in LESSONS}


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.id for lesson in LESSONS])
def test_lesson_after_a_run_when_checked_then_no_serious_or_critical_violation(
    small_page, app_url, lesson
):
    # In catalog order on the module's one page: each test is the next lesson of a single pass.
    # Opened from the sidebar, it is at its own address and ends with its neighbours' links.
    go_to_lesson(small_page, lesson.title)
    assert small_page.url.split("?")[0].rstrip("/") == lesson_address(app_url, lesson)
    assert neighbour_links(small_page, lesson) == neighbours(lesson)
    run_lesson(small_page, lesson)
    assert_no_exception(small_page)

    charts = charts_drawn(small_page)  # plotly draws a moment after its element arrives
    problems = blocking_violations(small_page)
    if charts["charts"] != charts["alternatives"]:
        problems.append(f"{charts['charts']} charts but {charts['alternatives']} text alternatives")
    if emoji := emoji_in_text(small_page.locator("body").inner_text()):
        problems.append(f"emoji in the page's text: {emoji}")

    assert problems == [], "\n".join(problems)
