"""Buttons that run for seconds show where they are and what they have so far: the FastAPI
gotchas measure one endpoint after another under a progress bar that names it, with the table
filling in; the lab's trials fill a live table under a progress bar counting them."""

from __future__ import annotations

import re

import pytest

from tests.support.browser import RUN_TIMEOUT_MS, assert_no_exception, click_run, wait_idle
from tools.browser import lesson_url

pytestmark = pytest.mark.browser

# Each request takes ≥ 150 ms, so every state of the bar stays on screen long enough to be seen
# even on a loaded machine (with 0 ms a whole step can fall between two paints).
PROFILE = {"ttft": "150", "tps": "0", "jitter": "0", "seed": "1"}

# At every change of the page (and every 50 ms while on): the progress bar's text and how many
# tables of this run are on screen inside `scope` (the visible tab panel, or the main area).
SAMPLE_JS = """
(scope) => {
  const w = (window.__long = { rows: [], on: true });
  const sample = () => {
    const root = [...document.querySelectorAll(scope)].find((el) => el.offsetParent !== null);
    const bar = root && root.querySelector('[data-testid="stProgress"]');
    const tables = root ? [...root.querySelectorAll('[data-testid="stDataFrame"]')]
      .filter((el) => el.closest('[data-stale="true"]') === null).length : 0;
    w.rows.push([bar ? bar.innerText.trim() : null, tables]);
  };
  const observer = new MutationObserver(() => w.on && sample());
  observer.observe(document.body, { childList: true, subtree: true, characterData: true });
  const tick = () => { if (w.on) { sample(); setTimeout(tick, 50); } else observer.disconnect(); };
  tick();
}
"""


def sampled(page, scope: str, button_key: str) -> list[tuple[str | None, int]]:
    page.evaluate(SAMPLE_JS, scope)
    click_run(page, button_key)
    return [tuple(row) for row in page.evaluate("window.__long.on = false, window.__long.rows")]


def test_fastapi_gotcha_when_measuring_then_it_names_each_endpoint_and_shows_the_rows_so_far(
    page, app_url
):
    page.goto(lesson_url(app_url, "fastapi", **PROFILE))
    page.locator("h1", has_text="Streaming + FastAPI").first.wait_for(timeout=RUN_TIMEOUT_MS)
    wait_idle(page)
    page.get_by_role("tab", name="Client disconnect").click()
    rows = sampled(page, '[role="tabpanel"]', "fa_dc_run")
    assert_no_exception(page)
    steps = [m.group(1) for text, _ in rows if text and (m := re.search(r"\((\d) of 3\)", text))]
    assert sorted(set(steps)) == ["1", "2", "3"], rows  # each endpoint named while it ran
    # While the third endpoint was measured, the first two were already in a table.
    assert any(text and "(3 of 3)" in text and tables >= 1 for text, tables in rows), rows
    assert rows[-1] == (None, 1), rows  # done: no bar, the one final table


def test_lab_run_when_trials_run_then_a_progress_bar_counts_them_over_a_live_table(page, app_url):
    page.goto(lesson_url(app_url, "latency_lab", lab_n="10", lab_conc="2", **PROFILE))
    page.locator(".st-key-lab_trials input").wait_for(timeout=RUN_TIMEOUT_MS)
    wait_idle(page)
    rows = sampled(page, '[data-testid="stMain"]', "lab_run")
    assert_no_exception(page)
    counted = [
        (int(m.group(1)), tables)
        for text, tables in rows
        if text and (m := re.match(r"(\d+) of 20 trials", text))
    ]
    # Partway through, the bar counted trials and the live table (beside the variants editor)
    # already showed the ones finished.
    assert any(0 < done < 20 and tables >= 2 for done, tables in counted), rows
