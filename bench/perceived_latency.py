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
    trace_id = watch["traceIds"][known]
    painted = [(t, n) for t, n in watch["samples"] if t >= watch["click"] and n > 0]
    final = painted[-1][1]
    last_change = next(t for t, n in painted if n == final)  # when the whole text first showed
    trace = fetch_server_trace(sim_url, trace_id)
    end_lag = None
    if trace and trace.sent_ns:
        end_lag = watch["epochOffset"] + last_change - trace.sent_ns[-1] / 1e6
    return RunTimes(painted[0][0] - watch["click"] - TTFT_MS, end_lag, len(painted))


def measure_mode(browser, app_url: str, runs: int, pause_ms: int) -> dict[str, list[RunTimes]]:
    results: dict[str, list[RunTimes]] = {}
    for name, params in PROFILES.items():
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(lesson_url(app_url, "llm_direct", **params))
        page.get_by_role("button", name="Run").first.wait_for(timeout=30_000)
        sim_url = simulator_url(page)
        page.evaluate(PAINT_WATCH_JS, [".st-key-direct_output", "direct"])
        one_run(page, sim_url, pause_ms)  # warm-up: first imports, first component load
        results[name] = [one_run(page, sim_url, pause_ms) for _ in range(runs)]
        page.close()
    return results


def median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def verdict(value: float | None, goal: float) -> str:
    return "n/a" if value is None else ("ok" if value <= goal else "MISSED")


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
    missed = False
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        for mode in args.modes.split(","):
            env = {"STREAMLAB_LIVE_RENDER": mode}
            if args.flush_ms is not None:
                env["STREAMLAB_FLUSH_MS"] = str(args.flush_ms)
            with streamlit_app(env=env) as app_url:
                results = measure_mode(browser, app_url, args.runs, args.pause_ms)
            first = median([r.first_overhead_ms for r in results["ttft"]])
            end = median([r.end_lag_ms for r in results["fast_end"]])
            paints = median([r.paints for r in results["fast_end"]])
            missed |= verdict(first, GOAL_FIRST_MS) != "ok" or verdict(end, GOAL_END_MS) != "ok"
            print(f"[{mode}] first token painted − click − {TTFT_MS} ms TTFT: median {first:6.1f} ms "
                  f"(goal ≤ {GOAL_FIRST_MS:.0f}) {verdict(first, GOAL_FIRST_MS)}; "
                  f"runs {[round(r.first_overhead_ms) for r in results['ttft']]}")
            print(f"[{mode}] 1,000 tok/s: last token painted − server's last send: median "
                  f"{end if end is None else round(end, 1)} ms (goal ≤ {GOAL_END_MS:.0f}) "
                  f"{verdict(end, GOAL_END_MS)}; {paints:.0f} paints; "
                  f"runs {[_round(r.end_lag_ms) for r in results['fast_end']]}")
            sys.stdout.flush()
        browser.close()
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
