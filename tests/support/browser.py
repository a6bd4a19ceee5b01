"""Helpers for the per-lesson browser tests: sidebar navigation, text-growth sampling, charts.

Everything waits on a condition in the page (never a fixed sleep), so the tests stay fast on a
slow machine and do not flake on a fast one.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager

from playwright.sync_api import Locator, Page

from streamlab.catalog import LESSONS, Lesson
from tools.browser import WATCH_JS, lesson_url

__all__ = [
    "BROWSER",
    "LANGCHAIN",
    "LAYER_ROWS_JS",
    "REPORTS_JS",
    "RUN_SEEN_JS",
    "SERVER",
    "assert_appears_at_once",
    "assert_grows",
    "assert_layers_in_order",
    "assert_no_exception",
    "click_run",
    "go_to_lesson",
    "growth",
    "growth_steps",
    "layer_table",
    "layers_with_browser_row",
    "lesson_address",
    "not_grown",
    "open_lesson",
    "painted_before",
    "plotly_data",
    "plotly_traces",
    "press_slider",
    "rerun_after",
    "run_button",
    "run_until_layers",
    "run_watching",
    "samples",
    "set_number",
    "shown_chars",
    "stalled",
    "start_app",
    "start_run",
    "texts",
    "tokens_per_s",
    "wait_idle",
    "wait_run",
    "warn_rerun",
    "watch",
    "watch_texts",
]

RUN_TIMEOUT_MS = 60_000
# `wait_for_function` checks its condition every POLL_MS instead of Playwright's default, every
# animation frame: a frame loop costs chromium ~0.07 CPU-s per second of waiting, and browser
# tests spend most of their time waiting on two busy cores. Timing is measured in the page
# (MutationObserver), never by these waits, so 50 ms later changes no result.
POLL_MS = 50
# Streamlit's nav can hide lessons behind a "View N more" button; the app lists every lesson
# (st.navigation(expanded=True)), and the navigation tests check that no such button appears.
VIEW_MORE = re.compile(r"^View \d+ more$")

SCRIPT_IDLE_JS = """
() => document.querySelector('[data-testid="stApp"]')
        ?.getAttribute('data-test-script-state') === 'notRunning'
"""


# True once the sidebar's profile sliders show the values the URL asked for (in this order).
SIDEBAR_SLIDERS_JS = """
(expected) => {
  const shown = [...document.querySelectorAll(
    '[data-testid="stSidebar"] [data-testid="stSlider"] [data-testid="stSliderThumbValue"]')]
    .map((el) => el.innerText.trim());
  return shown.length >= 3 && expected.every((value, i) => shown[i] === value);
}
"""


def start_app(page: Page, app_url: str, **profile: object) -> None:
    """Open the app's home page with the sidebar's simulator profile set through the URL."""
    page.goto(lesson_url(app_url, "", **profile))
    # The sidebar's last widget exists only once this first run has drawn the whole sidebar; then
    # wait for the run to end. Navigating while it still runs can lose the profile (0 ms, 0 tok/s).
    page.locator(".st-key-check_connection").wait_for(timeout=RUN_TIMEOUT_MS)
    wait_idle(page)
    expected = [f"{float(profile[name]):.2f}" for name in ("ttft", "tps", "jitter") if name in profile]
    page.wait_for_function(SIDEBAR_SLIDERS_JS, arg=expected, timeout=RUN_TIMEOUT_MS, polling=POLL_MS)


def lesson_address(app_url: str, lesson: Lesson) -> str:
    """Where a lesson lives: the first one is the app's home page."""
    return app_url if lesson is LESSONS[0] else f"{app_url}/{lesson.url_path}"


def go_to_lesson(page: Page, title: str) -> None:
    """Click the lesson's link in the sidebar nav (every lesson is listed there)."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    heading = re.compile(rf"^\s*{re.escape(title)}\s*$")  # exactly: not a title containing it
    page.locator("h1").filter(has_text=heading).first.wait_for(timeout=RUN_TIMEOUT_MS)
    wait_idle(page)


def wait_idle(page: Page, timeout_ms: int = RUN_TIMEOUT_MS) -> None:
    """Wait until the script run is over (Streamlit marks the app `notRunning`)."""
    page.wait_for_function(SCRIPT_IDLE_JS, timeout=timeout_ms, polling=POLL_MS)


def watch(page: Page, selectors: Mapping[str, str], texts: Mapping[str, str] | None = None) -> None:
    """Start sampling the text length of each `{name: css selector}`, and the distinct texts of
    each of `texts` (tools/browser.py WATCH_JS)."""
    page.evaluate(WATCH_JS, {"lengths": dict(selectors), "texts": dict(texts or {})})


def samples(page: Page) -> dict[str, list[tuple[float, int]]]:
    """(ms since `watch`, characters shown) at each painted change, per name."""
    w = page.evaluate("window.__watch")
    return {name: [(t - w["start"], int(n)) for t, n in rows] for name, rows in w["lengths"].items()}


# Notes that the app went into a script run after an action. A very quick rerun can go from
# notRunning to notRunning within one React render (both messages in one network read), so after
# RUN_GRACE_MS an idle app counts as done even if "running" was never seen.
RUN_SEEN_JS = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  window.__runSeen = false;
  window.__runStart = performance.now();
  window.__runObserver?.disconnect();
  window.__runObserver = new MutationObserver(() => {
    if (app.getAttribute('data-test-script-state') !== 'notRunning') window.__runSeen = true;
  });
  window.__runObserver.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}
"""
RUN_GRACE_MS = 1500


def start_run(page: Page, action: Callable[[], object]) -> None:
    """Do `action` (a click, a key press) that starts a rerun; `wait_run` waits for its end."""
    page.evaluate(RUN_SEEN_JS)
    action()


# Paint probes (components/run/probe.py) on the page whose run has not reported yet. A probe
# reports once its run is over, and the report is one more rerun that redraws the page.
PROBES_PENDING_JS = r"""
() => {
  const reported = window.__streamlabPaintReported || {};
  let pending = 0;
  for (const el of document.querySelectorAll('[class*="_probe_"]')) {
    if (el.closest('[data-stale="true"]')) continue;
    const m = el.className.match(/st-key-[\w-]*?_probe_(?!end_)([0-9a-f]{16})(?![\w-])/);
    if (m && !reported[m[1]]) pending += 1;
  }
  return pending;
}
"""


def wait_run(page: Page, *, done: Locator | None = None) -> None:
    """Wait for `done` (if given, e.g. the run's chart), then until the started rerun is over,
    including the rerun a paint probe's report causes (else the next action would collide with it)."""
    if done is not None:
        done.first.wait_for(timeout=RUN_TIMEOUT_MS)
    seen = f"(window.__runSeen || performance.now() - window.__runStart > {RUN_GRACE_MS})"
    page.wait_for_function(
        f"{seen} && ({SCRIPT_IDLE_JS.strip()})()", timeout=RUN_TIMEOUT_MS, polling=POLL_MS
    )
    if page.evaluate(PROBES_PENDING_JS):
        page.evaluate(RUN_SEEN_JS)
        page.wait_for_function(
            f"() => ({PROBES_PENDING_JS.strip()})() === 0", timeout=RUN_TIMEOUT_MS, polling=POLL_MS
        )
        page.wait_for_function(
            f"{seen} && ({SCRIPT_IDLE_JS.strip()})()", timeout=RUN_TIMEOUT_MS, polling=POLL_MS
        )


def rerun_after(page: Page, action: Callable[[], object], *, done: Locator | None = None) -> None:
    """Do `action`, then wait for the rerun it starts to finish (and for `done`, if given)."""
    start_run(page, action)
    wait_run(page, done=done)


def run_button(page: Page, key: str) -> Locator:
    return page.locator(f".st-key-{key} button")


def click_run(page: Page, button_key: str, *, done: Locator | None = None) -> None:
    """Click the button with `key=button_key` and wait for its run to finish (and `done`)."""
    rerun_after(page, run_button(page, button_key).click, done=done)


def run_watching(
    page: Page,
    button_key: str,
    selectors: Mapping[str, str],
    *,
    grows: Sequence[str] | Mapping[str, int] = (),
    done: Locator | None = None,
    at_least: int = 5,
    attempts: int = 3,
    texts: Mapping[str, str] | None = None,
    in_order: Sequence[tuple[str, str]] = (),
) -> dict[str, list[tuple[float, int]]]:
    """Click Run while sampling `selectors`; the text lengths seen, per name.

    `grows` names the outputs that must visibly grow (`assert_grows`), each with `at_least`
    steps or its own count (`{name: steps}`). If one did not, the run is repeated, up to
    `attempts` runs in all: on a busy 2-core machine a stalled process can deliver a whole
    answer in one websocket message. A page that does not stream fails every time. `texts`
    are watched too (`texts(page)` reads them, for the last run). Each `(before, after)` of
    `in_order` names two outputs whose first growth must come in that order (`painted_before`):
    a run that broke it is repeated too (a stalled browser can paint a run's start late, or join
    it to the previous run's text); a page that paints them the other way round fails every time.
    """
    wanted = dict(grows) if isinstance(grows, Mapping) else dict.fromkeys(grows, at_least)
    for attempt in range(1, attempts + 1):
        watch(page, selectors, texts)
        click_run(page, button_key, done=done)
        seen = samples(page)
        flat = [name for name, steps in wanted.items() if stalled(seen, [name], at_least=steps)]
        flat += [f"{a} before {b}" for a, b in in_order if not painted_before(seen, a, b)]
        if not flat or attempt == attempts:
            return seen
        warn_rerun(button_key, flat)
    return seen


def painted_before(seen: Mapping[str, Sequence[tuple[float, int]]], before: str, after: str) -> bool:
    """Whether `before` first grew earlier than `after` did (each in the run that grew most)."""
    first, then = growth(seen[before]), growth(seen[after])
    return bool(first and then) and first[0][0] < then[0][0]


def stalled(
    seen: Mapping[str, Sequence[tuple[float, int]]], names: Sequence[str], *, at_least: int = 5
) -> list[str]:
    """The outputs among `names` that did not visibly grow (`not_grown`)."""
    return [name for name in names if not_grown(seen[name], at_least=at_least)]


def warn_rerun(what: str, flat: Sequence[str]) -> None:
    """Say (in pytest's warnings summary) that a run was repeated because it looked stalled."""
    warnings.warn(
        f"{what}: {', '.join(flat)}: not painted as a stream (a stalled machine?); ran it once more",
        stacklevel=3,
    )


def watch_texts(page: Page, selectors: Mapping[str, str]) -> None:
    """Start recording the distinct texts of each `{name: css selector}` (tools/browser.py WATCH_JS)."""
    page.evaluate(WATCH_JS, {"texts": dict(selectors)})


def texts(page: Page) -> dict[str, list[str]]:
    return page.evaluate("window.__watch.texts")


def set_number(page: Page, key: str, value: int) -> None:
    """Type `value` into the number input with `key=key`, press Enter and wait for the rerun."""
    field = page.locator(f".st-key-{key} input")
    field.fill(str(value))
    rerun_after(page, lambda: field.press("Enter"))


def press_slider(page: Page, key: str, *keys: str, value: str) -> None:
    """Move the slider with `key=key` from the keyboard (e.g. "End", "ArrowLeft") to `value`.

    Every key press sends the new value with a rerun request; the last one wins, and a later
    click sends it again with the click, so waiting for the shown value and an idle app suffices.
    """
    thumb = page.locator(f'.st-key-{key} input[type="range"]')
    shown = page.locator(f'.st-key-{key} [data-testid="stSliderThumbValue"]')
    start_run(page, lambda: [thumb.press(k) for k in keys])
    page.wait_for_function(
        "([el, value]) => el.innerText.trim() === value",
        arg=[shown.element_handle(), value],
        timeout=RUN_TIMEOUT_MS,
        polling=POLL_MS,
    )
    wait_run(page)


@contextmanager
def tokens_per_s(page: Page, now: int, *, was: int) -> Iterator[None]:
    """Set the sidebar's simulator speed to `now` tokens/s for a block, then back to `was` (the
    slider moves in steps of 5). A test whose stream must be painted in several steps slows it
    down, so even a busy machine's rare frames fall inside it."""
    down, up = ["ArrowLeft"] * (abs(was - now) // 5), ["ArrowRight"] * (abs(was - now) // 5)
    press_slider(page, "sim_tokens_per_s", *(down if now < was else up), value=f"{now:.2f}")
    try:
        yield
    finally:
        press_slider(page, "sim_tokens_per_s", *(up if now < was else down), value=f"{was:.2f}")


def growth(rows: Sequence[tuple[float, int]]) -> list[tuple[float, int]]:
    """(t, length) at each new maximum of the sampled length, in the run that grew most.

    A 0 or a drop in length separates runs (see WATCH_JS): the previous run's text before a
    click, the run itself, and a later rerun that merely redraws the stored result (e.g. the
    paint probe's). A new run can replace the last one's text without an empty moment in between
    (a loaded browser paints both changes in one frame): its first, shorter text starts it.
    """
    runs: list[list[tuple[float, int]]] = [[]]
    last = 0
    for t, n in rows:
        if n == 0 or n < last:
            runs.append([])
        if n and (not runs[-1] or n > runs[-1][-1][1]):
            runs[-1].append((t, n))
        last = n
    return max(reversed(runs), key=len)  # a tie: the later run (the one a test just started)


def growth_steps(rows: Sequence[tuple[float, int]]) -> list[int]:
    """The successive new maxima of a sampled text length (in the run that grew most)."""
    return [n for _, n in growth(rows)]


def not_grown(rows: Sequence[tuple[float, int]], *, at_least: int = 5) -> str | None:
    """Why `rows` do not show a streamed text, or None if they do: its length must rise through
    `at_least` distinct values, and the last clearly (≥ 100 ms) after the first visible text."""
    steps = growth(rows)
    if len(steps) < at_least:
        return f"grew in {len(steps)} steps {[n for _, n in steps]}, expected ≥ {at_least}: {rows}"
    spread = steps[-1][0] - steps[0][0]
    return None if spread >= 100 else f"grew within {spread:.0f} ms: {rows}"


def assert_grows(rows: Sequence[tuple[float, int]], *, at_least: int = 5, what: str = "output") -> None:
    """Streamed: the text length rose through several distinct values, over time."""
    problem = not_grown(rows, at_least=at_least)
    assert problem is None, f"{what} {problem}"


def assert_appears_at_once(rows: Sequence[tuple[float, int]], *, what: str = "output") -> None:
    """Not streamed: the text appears in one or two steps (e.g. a placeholder, then the answer)."""
    steps = growth_steps(rows)
    assert 1 <= len(steps) <= 2, f"{what} appeared in {len(steps)} steps {steps}: {rows}"


# Plotly draws each trace as an SVG group `.trace` (bars: one `.point` per bar; scatter: one
# `.points path` per marker, one `.js-line` per line).
PLOTLY_JS = """
(selector) => {
  const root = document.querySelector(selector);
  const plot = root && root.querySelector('.js-plotly-plot');
  if (!plot) return null;
  const count = (css) => plot.querySelectorAll(css).length;
  return {
    traces: count('.trace'),
    bars: count('.trace.bars .point'),
    markers: count('.trace.scatter .points path'),
    lines: count('.trace.scatter .js-line'),
  };
}
"""


def plotly_data(page: Page, selector: str) -> list[dict[str, object]]:
    """The drawn figure's traces (type, name, x, y) from the plotly chart under `selector`."""
    plotly_traces(page, selector)
    return page.evaluate(
        """(selector) => document.querySelector(selector).querySelector('.js-plotly-plot').data.map(
             (t) => ({type: t.type, name: t.name ?? null, x: t.x ?? null, y: t.y ?? null}))""",
        selector,
    )


def plotly_traces(page: Page, selector: str, *, timeout_ms: int = 30_000) -> dict[str, int]:
    """Counts of drawn SVG traces/bars/markers/lines of the plotly chart under `selector`."""
    page.wait_for_function(
        f"(s) => {{ const r = ({PLOTLY_JS})(s); return r && r.traces > 0; }}",
        arg=selector,
        timeout=timeout_ms,
        polling=POLL_MS,
    )
    return page.evaluate(PLOTLY_JS, selector)


# --- three-layer tables (components/run/layers_view.py) ------------------------------------------

SERVER, LANGCHAIN, BROWSER = "sent by server", "received by LangChain", "shown in browser"
# The rows of the table in `.st-key-<key>` of this run (the previous run's stay data-stale until
# replaced). Tables in inactive tabs are hidden and have no innerText, hence textContent.
LAYER_ROWS_JS = """
(key) => {
  const box = [...document.querySelectorAll('.st-key-' + key)]
    .find((el) => el.closest('[data-stale="true"]') === null);
  if (!box) return null;
  return [...box.querySelectorAll('table tbody tr')].map(
    (tr) => [...tr.querySelectorAll('th, td')].map((cell) => cell.textContent.trim()));
}
"""
_LAYER_FIELDS = ("first", "last", "behind", "updates", "chars")
REPORTS_JS = "() => Object.keys(window.__streamlabPaintReported || {}).length"  # probe reports so far


def _number(cell: str) -> float | None:
    return None if cell in ("—", "") else float(cell.replace(",", ""))


def layer_table(page: Page, key: str) -> dict[str, dict[str, float | None]]:
    """{layer: {first, last, behind, updates, chars}} of the three-layer table in `.st-key-<key>`."""
    rows = page.evaluate(LAYER_ROWS_JS, key) or []
    return {row[0]: dict(zip(_LAYER_FIELDS, map(_number, row[1:6]), strict=True)) for row in rows}


def run_until_layers(page: Page, button_key: str, keys: Sequence[str]) -> list[dict]:
    """Click Run; wait until every table in `keys` has its browser row (the probe's report and its
    rerun) and the app is idle; those tables, in order."""
    wait_idle(page)
    reports = page.evaluate(REPORTS_JS)
    start_run(page, run_button(page, button_key).click)
    # This run's report first: until then the last run's tables (filled) can still be on screen.
    page.wait_for_function(
        f"() => ({REPORTS_JS})() > {reports}", timeout=RUN_TIMEOUT_MS, polling=POLL_MS
    )
    page.wait_for_function(
        f"""(keys) => (window.__runSeen || performance.now() - window.__runStart > {RUN_GRACE_MS})
              && keys.every((key) => {{
                const rows = ({LAYER_ROWS_JS})(key);
                return rows && rows.some((r) => r[0] === '{BROWSER}' && r[1] !== '—');
              }})""",
        arg=list(keys),
        timeout=RUN_TIMEOUT_MS,
        polling=POLL_MS,
    )
    wait_idle(page)
    return [layer_table(page, key) for key in keys]


def layers_with_browser_row(page: Page, key: str) -> dict[str, dict[str, float | None]]:
    """The layer table in `.st-key-<key>` once the probe's report filled its browser row (for a
    run already started: `run_until_layers` clicks Run itself)."""
    page.wait_for_function(
        f"""(key) => {{ const rows = ({LAYER_ROWS_JS})(key);
                         return rows && rows.some((r) => r[0] === '{BROWSER}' && r[1] !== '—'); }}""",
        arg=key,
        timeout=RUN_TIMEOUT_MS,
        polling=POLL_MS,
    )
    wait_idle(page)
    return layer_table(page, key)


def shown_chars(page: Page, key: str) -> int:
    """Characters of the text in `.st-key-<key>`, counted as the paint probe counts them."""
    return page.evaluate(
        """(key) => [...document.querySelector('.st-key-' + key)
                        .querySelectorAll('[data-testid="stElementContainer"]')]
             .filter((el) => el.getAttribute('data-stale') !== 'true')
             .reduce((n, el) => n + el.textContent.length, 0)""",
        key,
    )


def assert_layers_in_order(table: Mapping[str, Mapping[str, float | None]], shown: int) -> None:
    """Sent ≤ received ≤ shown, for the first and the last token; the browser counted what is shown."""
    sent, received, painted = table[SERVER], table[LANGCHAIN], table[BROWSER]
    assert sent["first"] <= received["first"] <= painted["first"], table
    assert sent["last"] <= received["last"] <= painted["last"], table
    assert 1 <= painted["updates"] <= received["updates"], table
    assert painted["chars"] == shown, (table, shown)


def open_lesson(page, app_url: str, path: str, **params: str) -> None:
    page.goto(lesson_url(app_url, path, **params))
    page.get_by_role("button", name="Run").first.wait_for(timeout=30_000)


def assert_no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
