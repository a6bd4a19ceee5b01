"""Browser tests: the real app under `streamlit run`, driven by Debian's chromium.

Playwright's own browser download does not work on these machines, so the tests launch
the system chromium through `executable_path` (launch code shared with the benches:
tools/browser.py). A missing browser is a failure, never a skip: `make test` installs it.

`make test` runs these files as two lanes beside the other tests (tests/support/schedule.py;
`make test LANES=0` runs them last instead); at most BROWSER_SLOTS browser tests (default 2) run
at once across pytest-xdist's workers: each drives a chromium and a Streamlit server, and a third
one on a 2-core machine only starves the other two (streams then arrive in lumps, and "does it
grow?" checks must retry)."""

from __future__ import annotations

import fcntl
import os
import tempfile
import time
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tools.browser import CHROMIUM_ARGS, chromium_path, streamlit_app

SLOTS = int(os.environ.get("BROWSER_SLOTS", "2"))
SLOT_DIR = Path(tempfile.gettempdir()) / f"streamlab-browser-slots-{os.getuid()}"


@pytest.fixture(autouse=True)
def browser_slot():
    """Hold one of SLOTS lock files for the test's duration (released if the worker dies)."""
    SLOT_DIR.mkdir(exist_ok=True)
    while True:
        for index in range(SLOTS):
            handle = (SLOT_DIR / f"slot-{index}.lock").open("w")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
                handle.close()
            return
        time.sleep(0.05)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    path = chromium_path()
    if not path:
        pytest.fail("Debian's chromium is not installed: run `make test` (it installs it with apt).")
    return {**browser_type_launch_args, "executable_path": path, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args():
    # Not pytest-playwright's: it reads device descriptors from a session-wide `playwright`,
    # and ours is started per module (below). These tests use no device, video or base_url.
    return {"viewport": {"width": 1400, "height": 1000}}


@pytest.fixture(scope="session")
def app_url():
    """URL of `streamlit run app.py` on a free loopback port, stopped after the session."""
    try:
        with streamlit_app() as url:
            yield url
    except RuntimeError as exc:
        pytest.fail(str(exc))


# Playwright's sync API keeps an event loop running in the main thread while it is started, and
# every `asyncio.run()` in a later test of the same worker would fail. pytest-playwright starts it
# once per session, which forced every browser test to the end of each worker's run (the workers
# then had only browser tests left, two slots for three workers, and idle cores before that).
# Started per module instead (~0.7 CPU-s each), the browser files interleave with the rest
# (tests/conftest.py) and their worker runs non-browser tests after them.
@pytest.fixture(scope="module")
def playwright():
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="module")
def browser_type(playwright, browser_name):
    return getattr(playwright, browser_name)


@pytest.fixture(scope="module")
def launch_browser(browser_type_launch_args, browser_type):
    return lambda **kwargs: browser_type.launch(**{**browser_type_launch_args, **kwargs})


@pytest.fixture(scope="module")
def browser(launch_browser):
    browser = launch_browser()
    yield browser
    browser.close()
