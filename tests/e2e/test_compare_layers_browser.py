"""Streamed vs not streamed, in three layers, in a real browser: overview, the race, the trials.

Each lane (`llm.stream()`, `llm.invoke()`) is its own request with its own three-layer table
(sent by server → received by LangChain → shown in browser). The browser's row arrives with the
paint probe's report, a rerun that must keep the answers on the page. What the learner should
see: the invoked lane gets its text in one update, at about the same late moment in every layer;
the streamed lane is painted long before that.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import (
    REPORTS_JS,
    assert_no_exception,
    open_lesson,
    press_slider,
    run_until_layers,
)

pytestmark = pytest.mark.browser
PROFILE = {"ttft": "100", "tps": "100", "jitter": "0", "seed": "1"}  # short answers, < 1 s each


def run_until_browser_layer(page, button_key: str, layers_key: str, lanes: int) -> list[dict]:
    """Click Run, wait for the probe's report and its rerun; each lane's table, in tab order."""
    tables = run_until_layers(page, button_key, [f"{layers_key}_{i}" for i in range(lanes)])
    assert_no_exception(page)
    return tables


def shown_chars(page, text_key: str) -> int:
    return len(page.locator(f".st-key-{text_key}").inner_text().strip())


def assert_layers_in_order(table: dict, text_chars: int) -> None:
    sent, received, shown = (
        table["sent by server"],
        table["received by LangChain"],
        table["shown in browser"],
    )
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
    invoked, streamed = run_until_browser_layer(page, "ov_run", "ov_layers", 2)
    assert_layers_in_order(invoked, shown_chars(page, "ov_text_invoke"))
    assert_layers_in_order(streamed, shown_chars(page, "ov_text_stream"))
    assert_invoke_vs_stream(invoked, streamed)
    # After the report's rerun: both answers (the same text), both diagrams, six metric cards.
    assert (
        page.locator(".st-key-ov_text_invoke").inner_text()
        == page.locator(".st-key-ov_text_stream").inner_text()
    )
    assert page.locator('[data-testid="stMetric"]').count() == 6
    assert page.get_by_text("The mental model, filled in by this run").count() == 1


def test_race_lanes_show_three_layers_twice_in_a_row(page, app_url):
    """The second run must not count the first run's (stale) text as painted."""
    open_lesson(page, app_url, "why_streaming", **PROFILE)
    for _ in range(2):
        streamed, invoked = run_until_browser_layer(page, "why_run", "why_layers", 2)
        assert_layers_in_order(streamed, shown_chars(page, "why_text_stream"))
        assert_layers_in_order(invoked, shown_chars(page, "why_text_invoke"))
        assert_invoke_vs_stream(invoked, streamed)
        expect(page.get_by_test_id("stAlertContentSuccess").first).to_contain_text("sooner")
        assert page.get_by_text("User sees text at").count() == 2
    assert page.evaluate(REPORTS_JS) == 2  # one report (one rerun) per run


def test_trials_then_one_shown_request_per_mode_in_three_layers(page, app_url):
    open_lesson(page, app_url, "streaming_vs_not", **PROFILE)
    press_slider(page, "cmp_trials", "Home", value="1")
    streamed, invoked = run_until_browser_layer(page, "cmp_run", "cmp_layers", 2)
    assert_layers_in_order(streamed, shown_chars(page, "cmp_text_stream"))
    assert_layers_in_order(invoked, shown_chars(page, "cmp_text_invoke"))
    assert_invoke_vs_stream(invoked, streamed)
    expect(page.get_by_test_id("stAlertContentSuccess").first).to_contain_text("medians of 1 trials")
    assert page.locator(".st-key-cmp_chart").count() == 1
