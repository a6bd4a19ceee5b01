"""The agent lessons in chromium: their lanes grow while the agent streams, in the order the agent
works (the tool's progress before the answer's words), and the answer is timed in three layers.
"""

from __future__ import annotations

import pytest

from tests.support.accessibility import assert_accessible
from tests.support.browser import (
    LANGCHAIN,
    RUN_TIMEOUT_MS,
    SERVER,
    assert_grows,
    assert_layers_in_order,
    assert_no_exception,
    click_run,
    growth,
    layers_with_browser_row,
    painted_before,
    plotly_traces,
    run_watching,
    shown_chars,
    wait_idle,
)
from tools.browser import lesson_url

pytestmark = pytest.mark.browser
# 40 tokens/s: a stream lasts long enough to be painted in steps even when a busy 2-core machine
# gives the browser a frame only every few hundred ms.
PROFILE = {"ttft": "100", "tps": "40", "jitter": "0", "seed": "1"}


def lines(key: str) -> str:
    """A lane's lines (its code block), not its constant header: after a repeated run (see
    `run_watching`) the length starts from 0 again, as the previous run's block is stale."""
    return f'.st-key-{key} [data-testid="stCode"]'


def open_page(page, app_url: str, path: str) -> None:
    page.goto(lesson_url(app_url, path, **PROFILE))
    page.locator(".st-key-check_connection").wait_for(timeout=RUN_TIMEOUT_MS)  # the sidebar is drawn
    wait_idle(page)


def test_agent_streaming_every_mode_lane_grows_and_the_answer_comes_last_in_three_layers(page, app_url):
    open_page(page, app_url, "agent_streaming")
    lanes = {mode: lines(f"agent_lane_{mode}") for mode in ("updates", "messages", "custom", "values")}
    seen = run_watching(
        page,
        "agent_run",
        {**lanes, "answer": ".st-key-agent_answer"},
        grows={"answer": 5, "messages": 3, "updates": 3, "values": 3, "custom": 3},
        in_order=[("custom", "answer")],
    )
    assert_grows(seen["messages"], at_least=3, what="messages lane")  # tool-call chunks, two results
    assert_grows(seen["answer"], what="the answer's tokens")
    assert_grows(
        seen["updates"], at_least=3, what="updates lane"
    )  # four steps; a loaded machine may paint two at once
    assert_grows(seen["values"], at_least=3, what="values lane")
    assert_grows(seen["custom"], at_least=3, what="custom lane")  # the tool's three reports
    # The slow tool's progress shows while it works, before the answer's first word.
    assert painted_before(seen, "custom", "answer"), seen
    table = layers_with_browser_row(page, "agent_layers")
    assert_layers_in_order(table, shown_chars(page, "agent_answer"))
    assert table[SERVER]["updates"] == table[LANGCHAIN]["updates"], table
    plotly_traces(page, ".st-key-agent_timeline")
    assert_no_exception(page)
    assert_accessible(page, "agent_streaming")


def test_agent_events_v3_projections_and_v2_list_fill_side_by_side_and_both_answers_are_timed(
    page, app_url
):
    open_page(page, app_url, "agent_events")
    lanes = {
        name: f".st-key-agent_ev_v3_{name}" for name in ("messages", "tool_calls", "values", "custom")
    }
    texts = {"v3 answer": ".st-key-agent_ev_v3_text", "v2 answer": ".st-key-agent_ev_v2_text"}
    seen = run_watching(
        page,
        "agent_ev_run",
        {**lanes, **texts, "v2": lines("agent_ev_v2_v2")},
        grows={**dict.fromkeys([*texts, "v2", "messages"], 5), "custom": 3, "tool_calls": 3},
    )
    for name in texts:
        assert_grows(seen[name], what=name)
    assert_grows(seen["v2"], what="v2's event list")
    assert_grows(seen["messages"], what="run.messages lane")
    assert_grows(seen["custom"], at_least=3, what="run.custom lane")
    assert_grows(seen["tool_calls"], at_least=3, what="run.tool_calls lane")  # two starts, two results
    # Both runs started together: their answers begin within the same half second.
    assert abs(growth(seen["v3 answer"])[0][0] - growth(seen["v2 answer"])[0][0]) < 500
    for index, key in enumerate(("agent_ev_v3_text", "agent_ev_v2_text")):
        table = layers_with_browser_row(page, f"agent_ev_layers_{index}")
        assert_layers_in_order(table, shown_chars(page, key))
    plotly_traces(page, ".st-key-agent_ev_timeline")
    assert_no_exception(page)
    assert_accessible(page, "agent_events")


def test_seed_to_agents_sse_client_fills_step_and_token_lanes_and_the_pairs_table_is_drawn(
    page, app_url
):
    open_page(page, app_url, "seed_to_agents")
    lanes = {
        "step": ".st-key-s2a_sse_step",
        "token": ".st-key-s2a_sse_token",
        "text": ".st-key-s2a_sse_text",
    }
    seen = run_watching(
        page, "s2a_sse_run", lanes, grows={"text": 5, "step": 3}, in_order=[("step", "text")]
    )
    assert_grows(seen["text"], what="the answer's token events")
    assert_grows(seen["step"], at_least=3, what="step events")  # model, tools, tools, model, end
    assert painted_before(seen, "step", "text"), seen  # the steps, then the answer
    table = layers_with_browser_row(page, "s2a_sse_layers")
    assert_layers_in_order(table, shown_chars(page, "s2a_sse_text"))
    click_run(page, "s2a_run", done=page.get_by_test_id("stDataFrame"))  # the pairs, counted
    assert_no_exception(page)
    assert_accessible(page, "seed_to_agents")
