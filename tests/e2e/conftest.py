"""Browser tests: the real app under `streamlit run`, driven by Debian's chromium.

Playwright's own browser download does not work on these machines, so the tests launch
the system chromium through `executable_path` (launch code shared with the benches:
bench/_browser.py). A missing browser is a failure, never a skip: `make test` installs it.
"""

from __future__ import annotations

import pytest

from bench._browser import CHROMIUM_ARGS, PAINT_WATCH_JS, chromium_path, lesson_url, streamlit_app

__all__ = ["PAINT_WATCH_JS", "WATCH_JS", "assert_no_exception", "open_lesson"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    path = chromium_path()
    if not path:
        pytest.fail("Debian's chromium is not installed: run `make test` (it installs it with apt).")
    return {**browser_type_launch_args, "executable_path": path, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}}


@pytest.fixture(scope="session")
def app_url():
    """URL of `streamlit run app.py` on a free loopback port, stopped after the session."""
    try:
        with streamlit_app() as url:
            yield url
    except RuntimeError as exc:
        pytest.fail(str(exc))


# Records (t, innerText length) of the watched element on every DOM mutation, in the page.
WATCH_JS = """
(selector) => {
  window.__samples = [];
  const start = performance.now();
  const record = () => {
    const el = document.querySelector(selector);
    const len = el ? el.innerText.length : 0;
    const last = window.__samples[window.__samples.length - 1];
    if (!last || last[1] !== len) window.__samples.push([performance.now() - start, len]);
  };
  const options = {subtree: true, childList: true, characterData: true};
  new MutationObserver(record).observe(document.body, options);
  record();
}
"""


def open_lesson(page, app_url: str, path: str, **params: str) -> None:
    page.goto(lesson_url(app_url, path, **params))
    page.get_by_role("button", name="Run").first.wait_for(timeout=30_000)


def assert_no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
