"""Streamed vs not streamed, in three layers, in a real browser: overview, the race, the trials.

Each lane (`llm.stream()`, `llm.invoke()`) is its own request with its own three-layer table
(sent by server → received by LangChain → shown in browser). The browser's row arrives with the
paint probe's report, a rerun that must keep the answers on the page. What the learner should
see: the invoked lane gets its text in one update, at about the same late moment in every layer;
the streamed lane is painted long before that.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_no_exception, open_lesson
from tests.e2e.lesson_helpers import press_slider, wait_idle

pytestmark = pytest.mark.browser
PROFILE = {"ttft": "100", "tps": "100", "jitter": "0", "seed": "1"}  # short answers, < 1 s each

# Each lane's table (in its tab; hidden tabs have no innerText, so textContent) of this run only.
LANE_ROWS_JS = """
(key) => {
  const box = [...document.querySelectorAll('.st-key-' + key)]
    .find((el) => el.closest('[data-stale="true"]') === null);
  if (!box) return null;
  return [...box.querySelectorAll('table tbody tr')].map(
    (tr) => [...tr.querySelectorAll('th, td')].map((cell) => cell.textContent.trim()));
}
"""
REPORTS_JS = "() => Object.keys(window.__streamlabPaintReported || {}).length"


def number(cell: str) -> float | None:
    return None if cell in ("—", "") else float(cell.replace(",", ""))


def lane_table(page, key: str) -> dict[str, dict[str, float | None]]:
    """{layer: {first, last, updates, chars}} from one lane's three-layer table."""
    rows = page.evaluate(LANE_ROWS_JS, key) or []
    return {row[0]: {"first": number(row[1]), "last": number(row[2]), "updates": number(row[4]),
                     "chars": number(row[5])} for row in rows}


def run_until_browser_layer(page, layers_key: str, lanes: int) -> list[dict]:
    """Click Run, wait for the probe's report and its rerun; each lane's table, in tab order."""
    wait_idle(page)  # the page's own first run is over: the click starts a clean run
    reported = page.evaluate(REPORTS_JS)
    page.get_by_role("button", name="Run").first.click()
    page.wait_for_function(f"() => ({REPORTS_JS})() > {reported}", timeout=60_000)
    keys = [f"{layers_key}_{i}" for i in range(lanes)]
    page.wait_for_function(
        f"""(keys) => keys.every((key) => {{
              const rows = ({LANE_ROWS_JS})(key);
              return rows && rows.some((r) => r[0] === 'shown in browser' && r[1] !== '—');
            }})""", arg=keys, timeout=60_000)
    wait_idle(page)
    assert_no_exception(page)
    return [lane_table(page, key) for key in keys]


def shown_chars(page, text_key: str) -> int:
    return len(page.locator(f".st-key-{text_key}").inner_text().strip())


def assert_layers_in_order(table: dict, text_chars: int) -> None:
    sent, received, shown = table["sent by server"], table["received by LangChain"], \
        table["shown in browser"]
    assert sent["first"] <= received["first"] <= shown["first"], table
    assert sent["last"] <= received["last"] <= shown["last"], table
    assert sent["chars"] == received["chars"] == shown["chars"] == text_chars > 50, (table, text_chars)


def assert_invoke_vs_stream(invoked: dict, streamed: dict) -> None:
    """Invoke: one update in every layer, at the end; the stream is on screen while it streams.

    No absolute bounds on the browser's lag: on a busy 2-core machine it ranged from tens of ms
    to over a second (the lesson's point holds either way: these orders).
    """
    for layer in invoked.values():
        assert layer["updates"] == 1 and layer["first"] == layer["last"], invoked
    assert streamed["sent by server"]["updates"] > 20, streamed
    assert streamed["shown in browser"]["updates"] >= 3, streamed  # painted piece by piece
    assert streamed["shown in browser"]["first"] < streamed["received by LangChain"]["last"], streamed
    assert streamed["shown in browser"]["first"] < invoked["shown in browser"]["first"], invoked


def test_overview_lanes_show_three_layers_and_keep_their_answers(page, app_url):
    open_lesson(page, app_url, "", **PROFILE)
    invoked, streamed = run_until_browser_layer(page, "ov_layers", 2)
    assert_layers_in_order(invoked, shown_chars(page, "ov_text_invoke"))
    assert_layers_in_order(streamed, shown_chars(page, "ov_text_stream"))
    assert_invoke_vs_stream(invoked, streamed)
    # After the report's rerun: both answers (the same text), both diagrams, six metric cards.
    assert page.locator(".st-key-ov_text_invoke").inner_text() == \
        page.locator(".st-key-ov_text_stream").inner_text()
    assert page.locator('[data-testid="stMetric"]').count() == 6
    assert page.get_by_text("The mental model, filled in by this run").count() == 1


def test_race_lanes_show_three_layers_twice_in_a_row(page, app_url):
    """The second run must not count the first run's (stale) text as painted."""
    open_lesson(page, app_url, "why_streaming", **PROFILE)
    for _ in range(2):
        streamed, invoked = run_until_browser_layer(page, "why_layers", 2)
        assert_layers_in_order(streamed, shown_chars(page, "why_text_stream"))
        assert_layers_in_order(invoked, shown_chars(page, "why_text_invoke"))
        assert_invoke_vs_stream(invoked, streamed)
        assert "sooner" in page.get_by_test_id("stAlertContentSuccess").first.inner_text()
        assert page.get_by_text("User sees text at").count() == 2
    assert page.evaluate(REPORTS_JS) == 2  # one report (one rerun) per run


def test_trials_then_one_shown_request_per_mode_in_three_layers(page, app_url):
    open_lesson(page, app_url, "streaming_vs_not", **PROFILE)
    press_slider(page, "cmp_trials", "Home", value="1")
    streamed, invoked = run_until_browser_layer(page, "cmp_layers", 2)
    assert_layers_in_order(streamed, shown_chars(page, "cmp_text_stream"))
    assert_layers_in_order(invoked, shown_chars(page, "cmp_text_invoke"))
    assert_invoke_vs_stream(invoked, streamed)
    assert "medians of 1 trials" in page.get_by_test_id("stAlertContentSuccess").first.inner_text()
    assert page.locator(".st-key-cmp_chart").count() == 1
