"""Regenerate the README screenshots from the real app in a real browser.

Usage:
    .venv/bin/python -m tools.screenshots [--out docs/screenshots]

Starts `streamlit run app.py` (with a throwaway latency-lab history) and Debian's chromium
(tools/browser.py), walks to three lessons through the sidebar like a learner, presses Run and
saves what they show: parallel.png (both RunnableParallel branches filling, mid-stream),
event_timeline.png (astream_events' run timeline) and latency_lab.png (a finished experiment).

The `shoot_*` functions are also called by the browser tests (tests/e2e/test_lessons_browser.py)
at the same moments, into a temporary folder, so a change that breaks a screenshot fails a test.
Streamlit's main area scrolls inside the page, so shots use a tall viewport and a clip around
the elements, not a full-page capture. Each PNG is kept under MAX_BYTES (palette-reduced if not).
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image
from playwright.sync_api import Locator, Page, sync_playwright

from tests.support.browser import (
    click_run,
    go_to_lesson,
    plotly_traces,
    rerun_after,
    run_button,
    set_number,
    start_app,
    start_run,
    wait_run,
)
from tools.browser import CHROMIUM_ARGS, ROOT, chromium_path, streamlit_app

__all__ = [
    "MAX_BYTES",
    "SHOT_DIR",
    "VIEWPORT",
    "capture",
    "shoot_event_timeline",
    "shoot_latency_lab",
    "shoot_parallel",
]

SHOT_DIR = ROOT / "docs" / "screenshots"
VIEWPORT = {"width": 1400, "height": 2400}
MAX_BYTES = 400_000
PAD_PX = 12
# Slow enough that `detailed` (4× the TTFT, 0.4× the speed) is still writing when `short` is long.
PARALLEL_PROFILE = {"ttft": 150, "tps": 40, "jitter": 0, "seed": 1}
PROFILE = {"ttft": 150, "tps": 120, "jitter": 0, "seed": 1}

_SCROLL_TO_TOP_JS = """
(el) => {
  el.scrollIntoView({block: "start"});
  let box = el.parentElement;  // Streamlit's main area is the scrolling element, not the window
  while (box && !(box.scrollHeight > box.clientHeight && getComputedStyle(box).overflowY !== "visible"))
    box = box.parentElement;
  if (box) box.scrollTop -= 80;  // clear the fixed header
}
"""


def capture(page: Page, top: Locator, bottom: Locator, path: Path) -> Path:
    """Save the main area from `top`'s top edge to `bottom`'s bottom edge as a PNG at `path`."""
    top.first.evaluate(_SCROLL_TO_TOP_JS)
    upper, lower = top.first.bounding_box(), bottom.first.bounding_box()
    main = page.get_by_test_id("stMainBlockContainer").bounding_box()
    if not (upper and lower and main):
        raise RuntimeError(f"nothing to capture for {path.name}: an element is not visible")
    y = max(upper["y"] - PAD_PX, 0)
    height = min(lower["y"] + lower["height"] + PAD_PX, page.viewport_size["height"]) - y
    clip = {"x": main["x"] + 2, "y": y, "width": main["width"] - 4, "height": height}  # no sidebar edge
    page.mouse.move(0, 0)  # no hover effects (plotly's mode bar, tooltips) in the picture
    png = page.screenshot(clip=clip, animations="disabled", caret="hide")
    if len(png) > MAX_BYTES:  # screenshots of text and charts survive a 256-colour palette well
        buffer = io.BytesIO()
        Image.open(io.BytesIO(png)).convert("RGB").quantize(256).save(buffer, "PNG", optimize=True)
        png = buffer.getvalue()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(png)
    return path


def _text_length(selector: str) -> str:
    return f"(document.querySelector('{selector}')?.innerText.trim().length ?? 0)"


def shoot_parallel(page: Page, out_dir: Path) -> Path:
    """Right after Run on "RunnableParallel": both branches and the raw chunk log, mid-stream."""
    short, detailed = _text_length(".st-key-par_text_short"), _text_length(".st-key-par_text_detailed")
    page.wait_for_function(f"{short} >= 150 && {detailed} >= 30", timeout=60_000, polling=20)
    branches = page.get_by_test_id("stHorizontalBlock").filter(
        has=page.locator(".st-key-par_text_short")
    )
    return capture(page, branches, page.locator(".st-key-par_text_log"), out_dir / "parallel.png")


def shoot_event_timeline(page: Page, out_dir: Path) -> Path:
    """After Run on "astream_events": the event counts and the run timeline."""
    plotly_traces(page, ".st-key-ev_timeline")
    cards = page.get_by_test_id("stHorizontalBlock").filter(
        has=page.get_by_test_id("stMetric").filter(has_text="on_chat_model_stream")
    )
    return capture(page, cards, page.locator(".st-key-ev_timeline"), out_dir / "event_timeline.png")


def shoot_latency_lab(page: Page, out_dir: Path) -> Path:
    """After an experiment in the "Latency lab": verdict, medians, summary table, distributions."""
    plotly_traces(page, ".st-key-lab_res_dist")
    results = page.locator("h3").filter(has_text="Results:")
    return capture(page, results, page.locator(".st-key-lab_res_dist"), out_dir / "latency_lab.png")


# --- the walk-throughs `main` runs (the tests do the same steps with their own checks) ---------


def _parallel(page: Page, app_url: str, out_dir: Path) -> Path:
    start_app(page, app_url, **PARALLEL_PROFILE)
    go_to_lesson(page, "RunnableParallel")
    rerun_after(page, page.locator(".st-key-par_sequential label").click)  # no baseline run
    start_run(page, run_button(page, "par_run").click)
    shot = shoot_parallel(page, out_dir)
    wait_run(page)
    return shot


def _event_timeline(page: Page, app_url: str, out_dir: Path) -> Path:
    start_app(page, app_url, **PROFILE)
    go_to_lesson(page, "astream_events")
    click_run(page, "ev_run", done=page.locator(".st-key-ev_timeline"))
    return shoot_event_timeline(page, out_dir)


def _latency_lab(page: Page, app_url: str, out_dir: Path) -> Path:
    start_app(page, app_url, **PROFILE)
    go_to_lesson(page, "Latency lab")
    set_number(page, "lab_trials", 10)
    set_number(page, "lab_max_tokens", 40)
    click_run(page, "lab_run", done=page.locator(".st-key-lab_res_dist"))
    return shoot_latency_lab(page, out_dir)


WALKS = {"parallel": _parallel, "event_timeline": _event_timeline, "latency_lab": _latency_lab}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SHOT_DIR, help=f"folder (default {SHOT_DIR})")
    parser.add_argument("--only", choices=list(WALKS), action="append", help="just these shots")
    args = parser.parse_args(argv)
    executable = chromium_path()
    if not executable:
        print("Debian's chromium is not installed: run `make test` (it installs it).", file=sys.stderr)
        return 1
    with (
        tempfile.TemporaryDirectory() as history,
        streamlit_app(env={"STREAMLAB_DB": str(Path(history) / "experiments.sqlite3")}) as url,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=VIEWPORT)  # one cache: later pages load faster
        context.set_default_timeout(60_000)  # a busy 2-core machine can be slow to load the app
        for name in args.only or WALKS:
            started = time.perf_counter()
            page = context.new_page()  # a new Streamlit session, with this walk's profile
            path = WALKS[name](page, url, args.out)
            page.close()
            (width, height), shown = Image.open(path).size, path.resolve()
            shown = shown.relative_to(ROOT) if shown.is_relative_to(ROOT) else shown
            print(
                f"{shown}: {width}×{height} px, {path.stat().st_size / 1000:.0f} kB, "
                f"{time.perf_counter() - started:.1f} s"
            )
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
