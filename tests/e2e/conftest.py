"""Browser tests: the real app under `streamlit run`, driven by Debian's chromium.

Playwright's own browser download does not work on these machines, so the tests launch
the system chromium through `executable_path`. A missing browser is a failure, never a skip:
`make test` installs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from streamlab.net import bind_loopback_socket

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Debian's chromium is not installed: run `make test` (it installs it with apt).")
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": chromium_path(), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}}


def _free_port() -> int:
    with bind_loopback_socket() as sock:
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def app_url():
    """URL of `streamlit run app.py` on a free loopback port, stopped after the session."""
    port = _free_port()
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(url + "/_stcore/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            output = process.stdout.read().decode() if process.stdout else ""
            process.kill()
            pytest.fail(f"streamlit did not start:\n{output[-2000:]}")
        time.sleep(0.2)
    yield url
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()


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
    query = "&".join(f"{k}={v}" for k, v in params.items())
    page.goto(f"{app_url}/{path}" + (f"?{query}" if query else ""))
    page.get_by_role("button", name="Run").first.wait_for(timeout=30_000)


def assert_no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
