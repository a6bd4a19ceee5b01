"""Progress survives a reload: the lessons run (also from a Run panel's fragment), the quiz answers
and the score come back on the takeaways page, and the browser keeps nothing the learner typed."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Browser, Page, expect

from components.run.browser_store import STORAGE_KEY
from streamlab.catalog import lesson
from streamlab.demos.takeaways import QUESTIONS
from tests.support.browser import (
    POLL_MS,
    RUN_TIMEOUT_MS,
    assert_no_exception,
    click_run,
    go_to_lesson,
    rerun_after,
    wait_idle,
)
from tools.browser import lesson_url

pytestmark = pytest.mark.browser

PROFILE = {"ttft": "0", "tps": "0", "jitter": "0", "seed": "1"}
QUESTION = QUESTIONS[0]
RIGHT_ANSWER = QUESTION.options[QUESTION.answer].replace("`", "")  # as shown: Markdown code
TOPIC = "Secret topic 1234"  # typed into the lesson: must never be stored


def stored(page: Page) -> dict:
    return json.loads(page.evaluate("(key) => localStorage.getItem(key) || 'null'", STORAGE_KEY))


def progress_link(page: Page, lesson_id: str):
    """The takeaways page's link for the lesson, whose label says 'run' or 'not run yet'."""
    title = lesson(lesson_id).title
    return page.get_by_role("link", name=re.compile(rf"^{re.escape(title)}: "))


def open_app(page: Page, app_url: str, path: str) -> None:
    page.goto(lesson_url(app_url, path, **PROFILE))
    page.locator(".st-key-check_connection").wait_for(timeout=RUN_TIMEOUT_MS)
    wait_idle(page)


def test_progress_when_the_page_is_reloaded_then_the_takeaways_page_still_shows_it(
    browser: Browser, app_url
):
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    open_app(page, app_url, "sequence")
    topic = page.locator(".st-key-seq_topic input")
    topic.fill(TOPIC)
    rerun_after(page, lambda: topic.press("Enter"))
    click_run(page, "seq_run")  # inside the Run panel's fragment
    page.wait_for_function(
        "(k) => (JSON.parse(localStorage.getItem(k) || '{}').lessons_run || []).includes('sequence')",
        arg=STORAGE_KEY,
        timeout=RUN_TIMEOUT_MS,
        polling=POLL_MS,
    )
    go_to_lesson(page, lesson("takeaways").title)
    # Picking the answer reruns the page: wait for that rerun, or Check can be clicked before the
    # server has the answer (wait_idle alone can return before the rerun has begun).
    rerun_after(page, page.locator(f".st-key-quiz_{QUESTION.id}").get_by_text(RIGHT_ANSWER).click)
    rerun_after(page, page.locator(f".st-key-quiz_{QUESTION.id}_check button").click)
    expect(page.get_by_text("Right.")).to_be_visible()

    page.reload()  # a new session in the same browser
    page.locator("h1", has_text=lesson("takeaways").title).first.wait_for(timeout=RUN_TIMEOUT_MS)
    wait_idle(page)
    assert_no_exception(page)
    expect(progress_link(page, "sequence")).to_have_text(re.compile(r": run$"), timeout=RUN_TIMEOUT_MS)
    expect(progress_link(page, "parallel")).to_have_text(re.compile(r": not run yet$"))
    expect(page.get_by_text("Right.")).to_be_visible()  # the quiz answer's verdict is back
    score = page.get_by_test_id("stMetric").filter(has_text="Quiz score")
    expect(score).to_contain_text(f"1 / {len(QUESTIONS)}")

    saved = stored(page)
    assert set(saved) == {"v", "session", "seq", "lessons_run", "predictions", "quiz"}
    assert "sequence" in saved["lessons_run"] and saved["quiz"] == {QUESTION.id: True}
    text = json.dumps(saved)
    assert TOPIC not in text and "sk-" not in text and "Explain" not in text
    page.context.close()
