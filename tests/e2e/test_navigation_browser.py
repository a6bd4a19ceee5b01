"""Navigation: every lesson is listed in the sidebar, and each lesson ends with links to the
lessons before and after it, so a learner can walk the whole course from the first page."""

from __future__ import annotations

import re

import pytest

from streamlab.catalog import LESSONS
from tests.support.browser import (
    RUN_TIMEOUT_MS,
    VIEW_MORE,
    assert_no_exception,
    lesson_address,
    wait_idle,
)
from tools.browser import lesson_url

pytestmark = pytest.mark.browser


def nav_link(page, text: str):
    return page.locator(".st-key-lesson_nav").get_by_role("link", name=re.compile(re.escape(text)))


def test_nav_when_opened_then_it_lists_every_lesson_and_next_previous_links_lead_on(page, app_url):
    # Each lesson's links are checked on every page by the accessibility pass; here they are followed.
    page.goto(lesson_url(app_url, "", ttft=0, tps=0, jitter=0, seed=1))
    nav = page.get_by_test_id("stSidebarNav")
    nav.get_by_role("link", name=LESSONS[-1].title).wait_for(timeout=RUN_TIMEOUT_MS)
    assert nav.get_by_role("button", name=VIEW_MORE).count() == 0  # none hidden behind "View N more"
    links = nav.get_by_test_id("stSidebarNavLink").all_inner_texts()  # "<icon name>\n\n<title>"
    assert [link.split("\n")[-1] for link in links] == [lesson.title for lesson in LESSONS]
    for link, lesson in (
        (f"Next: {LESSONS[1].title}", LESSONS[1]),
        (f"Previous: {LESSONS[0].title}", LESSONS[0]),
    ):
        page.locator("h1").first.wait_for(timeout=RUN_TIMEOUT_MS)
        wait_idle(page)
        nav_link(page, link).click()
        page.locator("h1", has_text=lesson.title).first.wait_for(timeout=RUN_TIMEOUT_MS)
        assert page.url.split("?")[0].rstrip("/") == lesson_address(app_url, lesson)
    page.goto(lesson_url(app_url, LESSONS[-1].url_path, ttft=0, tps=0, jitter=0, seed=1))
    page.locator("h1", has_text=LESSONS[-1].title).first.wait_for(timeout=RUN_TIMEOUT_MS)
    wait_idle(page)
    nav_link(page, f"Previous: {LESSONS[-2].title}").click()
    page.locator("h1", has_text=LESSONS[-2].title).first.wait_for(timeout=RUN_TIMEOUT_MS)
    assert page.url.split("?")[0].rstrip("/").endswith(LESSONS[-2].url_path)
    assert_no_exception(page)
