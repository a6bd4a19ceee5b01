"""A shared link opened as the very first request on a fresh server gets the whole app.

A workshop presenter hands out deep links (a lesson's URL with presets). With a `pages/` folder,
Streamlit would run the lesson file on its own for the first visit of a fresh server: no sidebar,
no navigation, no provider. The lessons live in `lessons/`, so app.py is always in charge.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from streamlab.catalog import LESSONS
from tests.support.browser import (
    POLL_MS,
    RUN_TIMEOUT_MS,
    VIEW_MORE,
    assert_no_exception,
    wait_idle,
)
from tools.browser import lesson_url, streamlit_app

pytestmark = pytest.mark.browser

LAB_LINK = {"lab_n": "7", "lab_conc": "2", "ttft": "300", "tps": "40", "jitter": "0", "seed": "3"}


@pytest.fixture
def fresh_app_url():
    """A server nobody has visited yet (the session's shared app has had visitors)."""
    try:
        with streamlit_app() as url:
            yield url
    except RuntimeError as exc:
        pytest.fail(str(exc))


def test_when_a_lab_link_is_the_first_request_then_sidebar_navigation_and_lesson_are_there(
    page, fresh_app_url
):
    page.goto(lesson_url(fresh_app_url, "latency_lab", **LAB_LINK))
    page.locator("h1", has_text="Latency lab").first.wait_for(timeout=RUN_TIMEOUT_MS)
    page.locator(".st-key-check_connection").wait_for(timeout=RUN_TIMEOUT_MS)  # app.py's sidebar ran
    wait_idle(page)
    assert_no_exception(page)
    # The lab read its link: the experiment's trial count is the link's (the form may still be
    # drawing when the script run ends on a fresh server: wait for the value, don't sample it).
    expect(page.locator(".st-key-lab_trials input")).to_have_value("7", timeout=RUN_TIMEOUT_MS)
    # The sidebar read the profile part of the link.
    # (On a fresh server the sidebar's sliders may still be drawing: wait for them too.)
    sliders = '[data-testid="stSidebar"] [data-testid="stSliderThumbValue"]'
    page.wait_for_function(
        "(s) => document.querySelectorAll(s).length >= 3", arg=sliders, polling=POLL_MS
    )
    assert page.locator(sliders).all_inner_texts()[:3] == ["300.00", "40.00", "0.00"]
    # The navigation lists every lesson of the catalog, in order, none behind "View N more".
    nav = page.get_by_test_id("stSidebarNav")
    assert nav.get_by_role("button", name=VIEW_MORE).count() == 0
    links = nav.get_by_test_id("stSidebarNavLink").all_inner_texts()
    assert [link.split("\n")[-1] for link in links] == [x.title for x in LESSONS]
