"""Navigation: every lesson is listed in the sidebar, and each lesson ends with links to the
lessons before and after it, so a learner can walk the whole course from the first page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from streamlab.catalog import LESSONS
from tests.support.browser import RUN_TIMEOUT_MS, VIEW_MORE, assert_no_exception, wait_idle
from tools.browser import lesson_url

pytestmark = pytest.mark.browser


def nav_link(page, text: str):
    return page.locator(".st-key-lesson_nav").get_by_role("link", name=re.compile(re.escape(text)))


def test_next_links_when_followed_from_the_first_lesson_then_visit_every_lesson_in_order(page, app_url):
    page.goto(lesson_url(app_url, "", ttft=0, tps=0, jitter=0, seed=1))
    nav = page.get_by_test_id("stSidebarNav")
    nav.get_by_role("link", name=LESSONS[-1].title).wait_for(timeout=RUN_TIMEOUT_MS)
    assert nav.get_by_role("button", name=VIEW_MORE).count() == 0
    assert nav.get_by_test_id("stSidebarNavLink").count() == len(LESSONS)
    for before, lesson, after in zip((None, *LESSONS[:-1]), LESSONS, (*LESSONS[1:], None), strict=True):
        page.locator("h1", has_text=lesson.title).first.wait_for(timeout=RUN_TIMEOUT_MS)
        wait_idle(page)
        assert_no_exception(page)
        expected = [f"Previous: {before.title}"] if before else []
        expected += [f"Next: {after.title}"] if after else []
        labels = page.locator(".st-key-lesson_nav a p")  # the link's text, without its icon
        expect(labels).to_have_count(len(expected), timeout=RUN_TIMEOUT_MS)
        assert labels.all_inner_texts() == expected
        if after is not None:
            nav_link(page, f"Next: {after.title}").click()
    nav_link(page, f"Previous: {LESSONS[-2].title}").click()  # and back
    page.locator("h1", has_text=LESSONS[-2].title).first.wait_for(timeout=RUN_TIMEOUT_MS)
    assert page.url.split("?")[0].rstrip("/").endswith(LESSONS[-2].url_path)
