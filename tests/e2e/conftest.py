"""Browser tests: the real app under `streamlit run`, driven by Debian's chromium.

Playwright's own browser download does not work on these machines, so the tests launch
the system chromium through `executable_path` (launch code shared with the benches:
tools/browser.py). A missing browser is a failure, never a skip: `make test` installs it.
"""

from __future__ import annotations

import pytest

from tools.browser import CHROMIUM_ARGS, chromium_path, streamlit_app


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
