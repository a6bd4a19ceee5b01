"""Perceived latency: what the learner sees, measured in a real browser on page 04.

Usage:
    .venv/bin/python -m bench.perceived_latency [--runs 10] [--modes coalesced,every-chunk,plain]

For each live-output rendering mode (`STREAMLAB_LIVE_RENDER`, see components/live_output.py) it
starts `streamlit run app.py`, opens "Streaming an LLM directly" in Debian's chromium and
presses Run `--runs` times (after one warm-up run) in two embedded-simulator profiles:

- TTFT 200 ms, 80 tokens/s (sim-fast): click → first token painted, minus the configured TTFT.
  Clock: `performance.now()` in the page (click listener + MutationObserver/rAF).
- TTFT 200 ms, 1,000 tokens/s (sim-detailed, 137 tokens): last token painted minus the moment
  the simulator wrote the last token to the socket (its trace, `time.time_ns()`), the paint
  converted to `Date.now()`'s epoch clock. Same machine, same clock.

Goals: median first-paint overhead ≤ 50 ms; median last-paint lag ≤ 100 ms at 1,000 tokens/s.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
from contextlib import ExitStack
from dataclasses import dataclass

from playwright.sync_api import Page, sync_playwright

from bench._browser import CHROMIUM_ARGS, PAINT_WATCH_JS, chromium_path, lesson_url, streamlit_app
from streamlab.layers import fetch_server_trace

TTFT_MS = 200
PROFILES = {
    "ttft": {"ttft": TTFT_MS, "tps": 80, "jitter": 0, "seed": 1, "model": "sim-fast"},
    "fast_end": {"ttft": TTFT_MS, "tps": 1000, "jitter": 0, "seed": 1, "model": "sim-detailed"},
}
GOAL_FIRST_MS, GOAL_END_MS = 50.0, 100.0
MODES = ("coalesced", "every-chunk", "plain")


@dataclass(frozen=True, slots=True)
class RunTimes:
    first_overhead_ms: float  # first paint − click − configured TTFT
    click_to_request_ms: float | None  # click → the simulator accepted the request
    send_to_paint_ms: float | None  # server's first send → first paint
    end_lag_ms: float | None  # last paint − server's last send (None: no server trace)
    paints: int


def simulator_url(page: Page) -> str:
    """The app's embedded simulator, as the sidebar's "Check connection" reports it."""
    page.get_by_role("button", name="Check connection").click()
    message = page.get_by_text(re.compile(r"Connected to http://")).first
    message.wait_for(timeout=15_000)
    return re.search(r"http://[\d.:]+(?:/v1)?", message.inner_text()).group(0)


def one_run(page: Page, sim_url: str, pause_ms: int) -> RunTimes:
    page.wait_for_timeout(pause_ms)  # a learner reads the result before pressing Run again
    page.evaluate("() => { window.__watch.click = null; window.__watch.samples = []; }")
    known = page.evaluate("() => window.__watch.traceIds.length")
    page.get_by_role("button", name="Run").first.click()
    # Done = the paint probe reported (its rerun replays the result) and the app is idle again.
    page.wait_for_function(
        """(known) => {
          const w = window.__watch, id = w.traceIds[known];
          const app = document.querySelector('[data-testid="stApp"]');
          const idle = app.getAttribute("data-test-script-state") === "notRunning";
          return id && (window.__streamlabPaintReported || {})[id] && idle;
        }""", arg=known, timeout=60_000, polling=50)
    watch = page.evaluate("() => window.__watch")
    to_epoch = watch["epochOffset"]
    painted = [(t, n) for t, n in watch["samples"] if t >= watch["click"] and n > 0]
    final = painted[-1][1]
    last_change = next(t for t, n in painted if n == final)  # when the whole text first showed
    trace = fetch_server_trace(sim_url, watch["traceIds"][known])
    first_paint = painted[0][0]
    timing: dict[str, float | None] = {"click_to_request_ms": None, "send_to_paint_ms": None,
                                        "end_lag_ms": None}
    if trace and trace.sent_ns:
        timing = {"click_to_request_ms": trace.received_ns / 1e6 - (to_epoch + watch["click"]),
                  "send_to_paint_ms": to_epoch + first_paint - trace.sent_ns[0] / 1e6,
                  "end_lag_ms": to_epoch + last_change - trace.sent_ns[-1] / 1e6}
    return RunTimes(first_paint - watch["click"] - TTFT_MS, **timing, paints=len(painted))


def open_profile(browser, app_url: str, params: dict) -> tuple[Page, str]:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(lesson_url(app_url, "llm_direct", **params))
    page.get_by_role("button", name="Run").first.wait_for(timeout=30_000)
    sim_url = simulator_url(page)
    page.evaluate(PAINT_WATCH_JS, [".st-key-direct_output", "direct"])
    return page, sim_url


def median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def verdict(value: float | None, goal: float) -> str:
    return "n/a" if value is None else ("ok" if value <= goal else "MISSED")


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} ms"


def report(mode: str, results: dict[str, list[RunTimes]]) -> bool:
    """Print one mode's medians; True if both goals are met."""
    ttft, fast = results["ttft"], results["fast_end"]
    first = median([r.first_overhead_ms for r in ttft])
    end = median([r.end_lag_ms for r in fast])
    print(f"[{mode}] first token painted − click − {TTFT_MS} ms TTFT: median {_ms(first)} "
          f"(goal ≤ {GOAL_FIRST_MS:.0f} ms) {verdict(first, GOAL_FIRST_MS)}")
    to_request = median([r.click_to_request_ms for r in ttft])
    to_paint = median([r.send_to_paint_ms for r in ttft])
    print(f"    median click → request at the simulator {_ms(to_request)}; server's first send → "
          f"first paint {_ms(to_paint)}; runs {[round(r.first_overhead_ms) for r in ttft]}")
    print(f"[{mode}] 1,000 tok/s: last token painted − server's last send: median {_ms(end)} "
          f"(goal ≤ {GOAL_END_MS:.0f} ms) {verdict(end, GOAL_END_MS)}; "
          f"{median([r.paints for r in fast]):.0f} paints; runs {[_round(r.end_lag_ms) for r in fast]}")
    sys.stdout.flush()
    return verdict(first, GOAL_FIRST_MS) == "ok" and verdict(end, GOAL_END_MS) == "ok"


def _round(value: float | None) -> int | None:
    return None if value is None else round(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--modes", default="coalesced",
                        help=f"comma-separated live-output modes: {', '.join(MODES)}")
    parser.add_argument("--pause-ms", type=int, default=1000, help="idle time before each Run")
    parser.add_argument("--flush-ms", type=float, default=None, help="coalescing budget (default 30)")
    args = parser.parse_args(argv)
    executable = chromium_path()
    if not executable:
        print("Debian's chromium is not installed (apt-get install chromium).", file=sys.stderr)
        return 2
    modes = args.modes.split(",")
    with ExitStack() as stack, sync_playwright() as playwright:
        # All modes run side by side and take turns, so a busy moment on the machine hits
        # every mode alike instead of whichever happened to run then.
        urls = {}
        for mode in modes:
            env = {"STREAMLAB_LIVE_RENDER": mode}
            if args.flush_ms is not None:
                env["STREAMLAB_FLUSH_MS"] = str(args.flush_ms)
            urls[mode] = stack.enter_context(streamlit_app(env=env))
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        pages = {(mode, name): open_profile(browser, urls[mode], params)
                 for mode in modes for name, params in PROFILES.items()}
        for page, sim_url in pages.values():
            one_run(page, sim_url, 0)  # warm-up: first imports, first component load
        results = {mode: {name: [] for name in PROFILES} for mode in modes}
        for _ in range(args.runs):
            for (mode, name), (page, sim_url) in pages.items():
                results[mode][name].append(one_run(page, sim_url, args.pause_ms))
        browser.close()
    met = [report(mode, results[mode]) for mode in modes]
    return 0 if all(met) else 1


if __name__ == "__main__":
    sys.exit(main())
