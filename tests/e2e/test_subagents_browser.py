"""Lesson "Subgraphs and subagents" in chromium: both subagents' lanes grow at the same time, each
answer streams into its own lane, the parent's lane hears of each subagent when it is done, and
both answers are timed in three layers."""

from __future__ import annotations

import pytest

from tests.support.accessibility import assert_accessible
from tests.support.browser import (
    RUN_TIMEOUT_MS,
    assert_grows,
    assert_layers_in_order,
    assert_no_exception,
    growth,
    layers_with_browser_row,
    plotly_traces,
    run_watching,
    shown_chars,
    wait_idle,
)
from tools.browser import lesson_url

pytestmark = pytest.mark.browser
PROFILE = {"ttft": "100", "tps": "60", "jitter": "0", "seed": "1"}


def test_subagents_lanes_fill_side_by_side_and_both_answers_are_timed(page, app_url):
    page.goto(lesson_url(app_url, "subagents", **PROFILE))
    page.locator(".st-key-sub_run").wait_for(timeout=RUN_TIMEOUT_MS)
    wait_idle(page)
    watched = {
        "weather": ".st-key-sub_lane_weather",
        "clock": ".st-key-sub_lane_clock",
        "team": ".st-key-sub_lane_team",
        "weather answer": ".st-key-sub_weather_text",
        "clock answer": ".st-key-sub_clock_text",
    }
    grows = {**dict.fromkeys(["weather", "clock", "weather answer", "clock answer"], 5), "team": 2}
    seen = run_watching(page, "sub_run", watched, grows=grows)
    for name in ("weather", "clock", "weather answer", "clock answer"):
        assert_grows(seen[name], what=name)
    assert_grows(seen["team"], at_least=2, what="the parent's lane")  # one line per finished subagent
    # Side by side: each lane started growing before the other had finished.
    weather, clock = growth(seen["weather"]), growth(seen["clock"])
    assert weather[0][0] < clock[-1][0] and clock[0][0] < weather[-1][0], (weather, clock)
    # The parent hears of a subagent only once its answer is there.
    assert growth(seen["team"])[-1][0] >= growth(seen["clock answer"])[0][0]
    for index, key in enumerate(("sub_weather_text", "sub_clock_text")):
        table = layers_with_browser_row(page, f"sub_layers_{index}")
        assert_layers_in_order(table, shown_chars(page, key))
    plotly_traces(page, ".st-key-sub_timeline")
    assert_no_exception(page)
    assert_accessible(page, "subagents")
