"""Perceived latency: what the learner sees, measured in a real browser on page 04.

Usage:
    .venv/bin/python -m bench.perceived_latency [--runs 10] [--modes coalesced,plain] [--flush-ms 30]

For each live-output rendering mode (`STREAMLAB_LIVE_RENDER`, see components/run/live_output.py) it
starts `streamlit run app.py`, opens "Streaming an LLM directly" in Debian's chromium and
presses Run `--runs` times (after one warm-up run, 1 s apart) in two embedded-simulator
profiles; the modes take turns run by run, so load from other processes hits them alike:

- TTFT 200 ms, 80 tokens/s (sim-fast): click → first token painted, minus the configured TTFT.
  Clock: `performance.now()` in the page (click listener + MutationObserver/rAF).
- TTFT 200 ms, 1,000 tokens/s (sim-detailed, 137 tokens; and a forced 1,561-token Markdown
  answer): last token painted minus the moment the simulator wrote the last token to the socket
  (its trace, `time.time_ns()`), the paint converted to `Date.now()`'s epoch clock. Same machine,
  same clock.

Goals: median first-paint overhead ≤ 50 ms; median last-paint lag ≤ 100 ms at 1,000 tokens/s.
The first is split into click → request (Streamlit's rerun up to the request: the same for every
mode) and server's first send → first paint (what the rendering mode changes). ~8 min at 10 runs.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
from contextlib import ExitStack
from dataclasses import dataclass

from playwright.sync_api import Page, sync_playwright

from streamlab.measure.server_trace import fetch_server_trace
from tools.browser import CHROMIUM_ARGS, WATCH_JS, chromium_path, lesson_url, streamlit_app

TTFT_MS = 200
PROFILES = {
    "ttft": {"ttft": TTFT_MS, "tps": 80, "jitter": 0, "seed": 1, "model": "sim-fast"},
    "fast_end": {"ttft": TTFT_MS, "tps": 1000, "jitter": 0, "seed": 1, "model": "sim-detailed"},
    "long_end": {"ttft": TTFT_MS, "tps": 1000, "jitter": 0, "seed": 1, "model": "sim-fast"},
}
# "long_end" forces this answer (sidebar: Inject a fault → Force the answer text): 5,562 chars of
# Markdown in 1,561 tokens, where re-rendering Markdown on every update costs the most.
LONG_ANSWER = "".join(
    f"- **Point {n}**: streaming keeps the reader busy while the model is still working on item {n}.\n"
    for n in range(1, 61)
)
GOAL_FIRST_MS, GOAL_END_MS = 50.0, 100.0
MODES = ("coalesced", "every-chunk", "markdown", "plain")  # see components/run/live_output.py


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
    page.evaluate("() => { window.__watch.click = null; window.__watch.lengths.output = []; }")
    known = page.evaluate("() => window.__watch.traceIds.length")
    page.get_by_role("button", name="Run").first.click()
    # Done = the paint probe reported (its rerun replays the result) and the app is idle again.
    page.wait_for_function(
        """(known) => {
          const w = window.__watch, id = w.traceIds[known];
          const app = document.querySelector('[data-testid="stApp"]');
          const idle = app.getAttribute("data-test-script-state") === "notRunning";
          return id && (window.__streamlabPaintReported || {})[id] && idle;
        }""",
        arg=known,
        timeout=60_000,
        polling=50,
    )
    watch = page.evaluate("() => window.__watch")
    to_epoch = watch["epochOffset"]
    painted = [(t, n) for t, n in watch["lengths"]["output"] if t >= watch["click"] and n > 0]
    trace = fetch_server_trace(sim_url, watch["traceIds"][known])
    # The whole answer is on screen at the first paint showing either the final text or, before
    # a final Markdown re-render changes its length, every character the server sent.
    complete = {painted[-1][1], sum(len(t) for t in trace.texts) if trace else -1}
    last_change = next(t for t, n in painted if n in complete)
    first_paint = painted[0][0]
    timing: dict[str, float | None] = {
        "click_to_request_ms": None,
        "send_to_paint_ms": None,
        "end_lag_ms": None,
    }
    if trace and trace.sent_ns:
        timing = {
            "click_to_request_ms": trace.received_ns / 1e6 - (to_epoch + watch["click"]),
            "send_to_paint_ms": to_epoch + first_paint - trace.sent_ns[0] / 1e6,
            "end_lag_ms": to_epoch + last_change - trace.sent_ns[-1] / 1e6,
        }
    return RunTimes(first_paint - watch["click"] - TTFT_MS, **timing, paints=len(painted))


def force_answer(page: Page, text: str) -> None:
    page.get_by_text("Inject a fault").click()
    area = page.get_by_role("textbox", name="Force the answer text (optional)")
    area.fill(text)
    area.blur()  # Streamlit applies a text area's value when it loses focus
    page.wait_for_function("""() => document.querySelector('[data-testid="stApp"]')
                              .getAttribute("data-test-script-state") === "notRunning" """)


def open_profile(browser, app_url: str, name: str) -> tuple[Page, str]:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(lesson_url(app_url, "llm_direct", **PROFILES[name]))
    page.get_by_role("button", name="Run").first.wait_for(timeout=30_000)
    if name == "long_end":
        force_answer(page, LONG_ANSWER)
    sim_url = simulator_url(page)
    page.evaluate(WATCH_JS, {"lengths": {"output": ".st-key-direct_output"}, "probePrefix": "direct"})
    return page, sim_url


def median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def verdict(value: float | None, goal: float) -> str:
    return "n/a" if value is None else ("ok" if value <= goal else "MISSED")


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} ms"


def spread(values: list[float | None]) -> str:
    """Interquartile range: on a busy machine the tails say more about neighbours than the app."""
    known = [v for v in values if v is not None]
    if len(known) < 4:
        return ""
    q1, _, q3 = statistics.quantiles(known, n=4)
    return f" (p25–p75 {q1:.0f}–{q3:.0f})"


def report(mode: str, results: dict[str, list[RunTimes]]) -> None:
    """Print one mode's medians, spreads and goal verdicts."""
    ttft = results["ttft"]
    first = median([r.first_overhead_ms for r in ttft])
    print(
        f"[{mode}] first token painted − click − {TTFT_MS} ms TTFT: median {_ms(first)}"
        f"{spread([r.first_overhead_ms for r in ttft])} (goal ≤ {GOAL_FIRST_MS:.0f} ms) "
        f"{verdict(first, GOAL_FIRST_MS)}"
    )
    to_request = [r.click_to_request_ms for r in ttft]
    to_paint = [r.send_to_paint_ms for r in ttft]
    print(
        f"    click → request at the simulator: median {_ms(median(to_request))}{spread(to_request)}; "
        f"server's first send → first paint: median {_ms(median(to_paint))}{spread(to_paint)}"
    )
    for name, what in (("fast_end", "137 tokens"), ("long_end", "1,561 tokens of Markdown")):
        lags = [r.end_lag_ms for r in results[name]]
        end = median(lags)
        print(
            f"[{mode}] 1,000 tok/s, {what}: last token painted − server's last send: median "
            f"{_ms(end)}{spread(lags)} (goal ≤ {GOAL_END_MS:.0f} ms) {verdict(end, GOAL_END_MS)}; "
            f"{median([r.paints for r in results[name]]):.0f} paints"
        )
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument(
        "--modes",
        default=",".join(MODES),
        help=f"comma-separated live-output modes (default: all of {', '.join(MODES)})",
    )
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
        pages = {
            (mode, name): open_profile(browser, urls[mode], name) for mode in modes for name in PROFILES
        }
        for page, sim_url in pages.values():
            one_run(page, sim_url, 0)  # warm-up: first imports, first component load
        results = {mode: {name: [] for name in PROFILES} for mode in modes}
        for _ in range(args.runs):
            for (mode, name), (page, sim_url) in pages.items():
                results[mode][name].append(one_run(page, sim_url, args.pause_ms))
        browser.close()
    for mode in modes:
        report(mode, results[mode])
    return 0


if __name__ == "__main__":
    sys.exit(main())
