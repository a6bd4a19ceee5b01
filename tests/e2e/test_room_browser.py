"""Serving a room: `make run ADDRESS=0.0.0.0 PORT=…` warns in the terminal, listens on the machine's
own address, keeps the embedded simulator on loopback, and a preset link on the presenter's
address works for whoever opens it."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.support.browser import (
    RUN_TIMEOUT_MS,
    SERVER,
    assert_no_exception,
    rerun_after,
    run_until_layers,
    wait_idle,
)
from tests.support.timing import BROWSER_LATE_MS, assert_waited
from tools.browser import ROOT, free_port, lesson_url

pytestmark = pytest.mark.browser

PRESET = {"model": "sim-detailed", "ttft": "700", "tps": "60", "jitter": "0", "seed": "2"}


def room_host() -> str:
    """This machine's first non-loopback address (what a presenter shares)."""
    found = subprocess.run(
        ["hostname", "-I"], capture_output=True, text=True, check=False
    ).stdout.split()
    ipv4 = [a for a in found if a.count(".") == 3 and not a.startswith("127.")]
    if not ipv4:
        pytest.fail(f"no non-loopback IPv4 address on this machine (hostname -I: {found})")
    return ipv4[0]


@pytest.fixture(scope="module")
def room() -> Iterator[tuple[str, str]]:
    """`make run ADDRESS=0.0.0.0 PORT=<free>` (its install step not redone): (app URL on this
    machine's address, the terminal output so far)."""
    port = free_port()
    process = subprocess.Popen(
        ["make", "-o", ".venv/.runtime", "run", "ADDRESS=0.0.0.0", f"PORT={port}"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # make and streamlit in one process group, stopped together
    )
    url = f"http://{room_host()}:{port}"
    output: list[str] = []
    try:
        deadline = time.monotonic() + 60
        assert process.stdout is not None
        while "Uvicorn server started" not in "".join(output) or "URL:" not in "".join(output):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("make run did not start:\n" + "".join(output))
            output.append(process.stdout.readline())
        while httpx.get(url + "/_stcore/health", timeout=2).status_code != 200:
            time.sleep(0.2)
        yield url, "".join(output)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(10)


def test_make_run_for_a_room_when_started_then_it_warns_and_prints_the_address_to_share(room):
    url, terminal = room
    assert "WARNING: serving the app on 0.0.0.0" in terminal
    assert "OPENAI_API_KEY" in terminal and "stay on 127.0.0.1" in terminal
    assert f"URL: {url}" in terminal  # the address to share, printed without asking the internet
    assert "Did not auto detect external IP" not in terminal


def test_preset_link_on_the_presenters_address_when_opened_then_it_applies_and_runs(
    browser: Browser, room
):
    url, _ = room
    page = browser.new_page()
    page.goto(lesson_url(url, "llm_direct", **PRESET))
    page.locator("h1", has_text="Streaming an LLM directly").first.wait_for(timeout=RUN_TIMEOUT_MS)
    wait_idle(page)
    assert_no_exception(page)
    expect(page.locator(".st-key-sim_model input")).to_have_value("sim-detailed")
    sliders = page.locator('[data-testid="stSidebar"] [data-testid="stSliderThumbValue"]')
    expect(sliders.first).to_have_text("700.00", timeout=RUN_TIMEOUT_MS)
    # The embedded simulator answers this session from loopback only.
    rerun_after(page, page.locator(".st-key-check_connection button").click)
    expect(page.get_by_text("Connected to http://127.0.0.1:")).to_be_visible()
    (table,) = run_until_layers(page, "direct_run", ["direct_layers"])
    assert_waited(table[SERVER]["first"], 700, early_ms=0, late_ms=BROWSER_LATE_MS)
    page.close()
