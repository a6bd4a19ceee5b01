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
    "ROOT",
    "WATCH_JS",
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


# Debian's chromium-headless-shell first: the same engine without the full browser's UI layers,
# it costs about a third less CPU per page load (bench/README.md), which on a 2-core machine
# running two browser tests at once is the difference between smooth and lumpy streams.
BROWSERS = ("chromium-headless-shell", "chromium", "chromium-browser")


def chromium_path() -> str | None:
    """$CHROMIUM, else Debian's chromium-headless-shell or chromium; None if none is installed."""
    return os.environ.get("CHROMIUM") or next(filter(None, map(shutil.which, BROWSERS)), None)


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


# The one page watcher of the browser tests and the perceived-latency bench. After every DOM change
# it waits for the next animation frame (just before the browser paints) and records into
# window.__watch, with performance.now() times:
# - lengths[name]: [t, characters] whenever the text length of `lengths[name]` (a CSS selector)
#   changes. Only this run's elements count: Streamlit marks the previous run's `data-stale="true"`
#   until the run replaces them, so a rerun reads old length → 0 → the new run's lengths;
# - texts[name]: every distinct text (innerText, matches joined by newlines) of `texts[name]`;
# - click: the first click after installing; traceIds: paint-probe ids
#   (`.st-key-<probePrefix>_probe_<id>`, a run's trace id) in order of appearance;
# - epochOffset: add it to a performance.now() time to get Date.now()'s clock (the server's).
WATCH_JS = """
({lengths = {}, texts = {}, probePrefix = null}) => {
  window.__watchObserver?.disconnect();  // one watcher at a time (tests share a tab)
  const tick = Date.now();
  let aligned = Date.now();
  while (aligned === tick) aligned = Date.now();
  const w = (window.__watch = { start: performance.now(), epochOffset: aligned - performance.now(),
                                click: null, lengths: {}, texts: {}, traceIds: [] });
  for (const name of Object.keys(lengths)) w.lengths[name] = [];
  for (const name of Object.keys(texts)) w.texts[name] = [];
  document.addEventListener("click", () => { if (w.click === null) w.click = performance.now(); },
                            true);
  const ELEMENT = '[data-testid="stElementContainer"]';
  const fresh = (el) => el.closest('[data-stale="true"]') === null;
  const chars = (selector) => {
    const root = [...document.querySelectorAll(selector)].find(fresh);
    if (!root) return 0;
    const parts = [...root.querySelectorAll(ELEMENT)];
    if (!parts.length) return root.textContent.trim().length;
    return parts.filter(fresh).reduce((n, el) => n + el.textContent.length, 0);
  };
  const probeId = probePrefix && new RegExp("st-key-" + probePrefix + "_probe_([0-9a-f]{16})");
  let scheduled = false;
  const sample = () => {
    scheduled = false;
    const now = performance.now();
    for (const [name, selector] of Object.entries(lengths)) {
      const n = chars(selector), seen = w.lengths[name];
      if (!seen.length || seen[seen.length - 1][1] !== n) seen.push([now, n]);
    }
    for (const [name, selector] of Object.entries(texts)) {
      const text = [...document.querySelectorAll(selector)].filter(fresh)
        .map((el) => el.innerText.trim()).join("\\n");
      const seen = w.texts[name];
      if (text && seen[seen.length - 1] !== text) seen.push(text);
    }
    if (probeId) {
      for (const el of document.querySelectorAll('[class*="st-key-' + probePrefix + '_probe_"]')) {
        const m = el.className.match(probeId);
        if (m && !w.traceIds.includes(m[1])) w.traceIds.push(m[1]);
      }
    }
  };
  window.__watchObserver = new MutationObserver(() => {
    if (!scheduled) { scheduled = true; requestAnimationFrame(sample); }
  });
  window.__watchObserver.observe(document.body, { subtree: true, childList: true,
    characterData: true, attributes: true, attributeFilter: ["data-stale"] });
  sample();
}
"""
