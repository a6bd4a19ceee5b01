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

from tests.support.schedule import is_browser_file
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
    # and ours is not (below). These tests use no device, video or base_url.
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
# Here it starts with the first browser test a worker runs and stops after the last of a row of
# them (`pytest_runtest_teardown` below), with its chromium: a browser lane starts both once
# instead of once per file (~1.5 CPU-s each time), and the worker can still run other tests
# after its browser files.
_running: dict[str, object] = {}


def _stop_playwright() -> None:
    if (browser := _running.pop("browser", None)) is not None:
        browser.close()  # type: ignore[attr-defined]
    if (manager := _running.pop("manager", None)) is not None:
        manager.__exit__(None, None, None)  # type: ignore[attr-defined]
    _running.clear()


@pytest.hookimpl(trylast=True)  # after the default teardown has closed the test's fixtures
def pytest_runtest_teardown(item, nextitem):
    if nextitem is None or not is_browser_file(nextitem.path):
        _stop_playwright()


@pytest.fixture(scope="module")
def playwright():
    if "playwright" not in _running:
        manager = sync_playwright()
        _running["playwright"], _running["manager"] = manager.__enter__(), manager
    return _running["playwright"]


@pytest.fixture(scope="module")
def browser_type(playwright, browser_name):
    return getattr(playwright, browser_name)


@pytest.fixture(scope="module")
def launch_browser(browser_type_launch_args, browser_type):
    return lambda **kwargs: browser_type.launch(**{**browser_type_launch_args, **kwargs})


@pytest.fixture(scope="module")
def browser(launch_browser):
    """One chromium for the worker's row of browser files (see above)."""
    if "browser" not in _running:
        _running["browser"] = launch_browser()
    browser = _running["browser"]
    yield browser
    for context in browser.contexts:  # what a failed test left open closes with its file, as before
        context.close()
