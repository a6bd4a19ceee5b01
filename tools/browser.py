"""Real app, real browser: `streamlit run app.py` on a free port, driven by Debian's chromium.

Shared by the browser tests (tests/e2e) and the perceived-latency bench, so both measure the
same thing the same way. Playwright's own browser download does not work on these machines,
so chromium is launched through `executable_path`. Nothing here imports streamlit: the app
runs in its own process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

from streamlab.sim.net import bind_loopback_socket

__all__ = [
    "CHROMIUM_ARGS",
    "PAINT_WATCH_JS",
    "ROOT",
    "chromium_path",
    "free_port",
    "lesson_url",
    "streamlit_app",
]

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    """Debian's chromium (or $CHROMIUM); None if it is not installed."""
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with bind_loopback_socket() as sock:
        return sock.getsockname()[1]


@contextmanager
def streamlit_app(*, env: Mapping[str, str] | None = None, timeout_s: float = 60) -> Iterator[str]:
    """Run `streamlit run app.py` (with extra `env`) and yield its URL; stopped on exit."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
    ]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                if httpx.get(url + "/_stcore/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                output = process.stdout.read().decode() if process.stdout else ""
                raise RuntimeError(f"streamlit did not start:\n{output[-2000:]}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def lesson_url(app_url: str, path: str, **params: object) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{app_url}/{path}" + (f"?{query}" if query else "")


# Installed in the page: stamps the first click, and every painted change of the text length
# in `selector` (this run's elements only: the previous run's stay in the DOM with
# data-stale="true" until replaced). Times are performance.now(); `epoch` converts to Date.now()'s
# clock. Also notes the paint probe ids (`.st-key-<prefix>_probe_<id>`), i.e. the run's trace id.
PAINT_WATCH_JS = """
([selector, probePrefix]) => {
  const tick = Date.now();
  let aligned = Date.now();
  while (aligned === tick) aligned = Date.now();
  const w = (window.__watch = { epochOffset: aligned - performance.now(), click: null,
                                samples: [], traceIds: [] });
  document.addEventListener("click", () => { if (w.click === null) w.click = performance.now(); },
                            true);
  const chars = () => {
    const root = document.querySelector(selector);
    if (!root) return 0;
    let n = 0;
    for (const el of root.querySelectorAll('[data-testid="stElementContainer"]'))
      if (el.getAttribute("data-stale") !== "true") n += el.textContent.length;
    return n;
  };
  let last = -1, scheduled = false;
  const sample = () => {
    scheduled = false;
    const n = chars();
    if (n !== last) { w.samples.push([performance.now(), n]); last = n; }
  };
  const pattern = new RegExp("st-key-" + probePrefix + "_probe_([0-9a-f]{16})");
  new MutationObserver(() => {
    for (const el of document.querySelectorAll('[class*="st-key-' + probePrefix + '_probe_"]')) {
      const m = el.className.match(pattern);
      if (m && !w.traceIds.includes(m[1])) w.traceIds.push(m[1]);
    }
    if (!scheduled) { scheduled = true; requestAnimationFrame(sample); }
  }).observe(document.body, { subtree: true, childList: true, characterData: true,
                              attributes: true, attributeFilter: ["data-stale"] });
  sample();
}
"""
