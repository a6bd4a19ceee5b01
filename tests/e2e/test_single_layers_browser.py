"""Pages 03, 10 (article) and 12 (final answer) in chromium: one lane each, measured in three
layers, and the browser's report (a rerun) keeps the lesson's results on the page.

Per page: click Run, wait until the "shown in browser" row has numbers, then check the order
server ≤ LangChain ≤ browser and that the browser counted exactly the characters shown.
"""

from __future__ import annotations

import re

import pytest

from tests.support.browser import (
    BROWSER,
    LANGCHAIN,
    LAYER_ROWS_JS,
    RUN_TIMEOUT_MS,
    SERVER,
    assert_layers_in_order,
    assert_no_exception,
    plotly_traces,
    press_slider,
    run_until_layers,
    shown_chars,
    wait_idle,
)
from tools.browser import lesson_url

pytestmark = pytest.mark.browser
PROFILE = {"ttft": "100", "tps": "100", "jitter": "0", "seed": "1"}


def open_page(page, app_url: str, path: str) -> None:
    page.goto(lesson_url(app_url, path, **PROFILE))
    page.locator(".st-key-check_connection").wait_for(timeout=RUN_TIMEOUT_MS)  # the sidebar is drawn
    wait_idle(page)


def run_until_browser_layer(page, run_key: str, layers_key: str) -> dict[str, dict[str, float | None]]:
    (table,) = run_until_layers(page, run_key, [layers_key])
    assert_no_exception(page)
    return table


def assert_one_lane_in_order(table: dict[str, dict[str, float | None]], shown: int) -> None:
    """The shared order checks, plus: the server and LangChain saw the same pieces."""
    assert_layers_in_order(table, shown)
    assert table[SERVER]["updates"] == table[LANGCHAIN]["updates"], table
    assert table[SERVER]["chars"] == table[LANGCHAIN]["chars"], table


def test_internals_server_layer_matches_the_wire_and_the_browser_comes_last(page, app_url):
    open_page(page, app_url, "internals")
    table = run_until_browser_layer(page, "int_run", "int_layers")
    text, shown = answer(page, "int_output"), shown_chars(page, "int_output")
    assert_one_lane_in_order(table, shown)
    assert table[SERVER]["updates"] == 12  # max_tokens: one SSE line per token
    (wire_row,) = page.evaluate(LAYER_ROWS_JS, "int_wire")  # layer, first, last, updates, chars, by
    assert wire_row[0] == "on the wire (SSE tap)", wire_row
    wire = [float(cell.replace(",", "")) for cell in wire_row[1:5]]  # first, last, updates, chars
    sent = table[SERVER]
    assert wire[2:4] == [sent["updates"], sent["chars"]], (wire, table)  # the same pieces
    assert sent["first"] <= wire[0] <= table[LANGCHAIN]["first"], (wire, table)
    # The report's rerun kept the answer, the chunk tables and the arrival chart.
    assert text and shown == table[LANGCHAIN]["chars"]
    page.get_by_test_id("stDataFrame").nth(1).wait_for()  # the chunks, the SSE lines
    assert page.locator('[data-testid="stTable"]').count() >= 3  # layers, wire row, counts per kind
    assert plotly_traces(page, ".st-key-int_arrival")["lines"] >= 2  # chunks and SSE lines


def test_use_cases_article_shows_the_browser_last_token_after_langchain(page, app_url):
    open_page(page, app_url, "use_cases")
    page.get_by_role("tab", name=re.compile("Long-form")).click()
    press_slider(page, "uc_long_max_tokens", "Home", "ArrowRight", "ArrowRight", value="60")
    table = run_until_browser_layer(page, "uc_long_run", "uc_long_layers")
    text, shown = answer(page, "uc_long_text"), shown_chars(page, "uc_long_text")
    assert_one_lane_in_order(table, shown)
    assert table[LANGCHAIN]["updates"] == 60  # max_tokens
    # The last token lags: the one Markdown render at the end.
    assert table[BROWSER]["last"] > table[LANGCHAIN]["last"], table
    words = page.locator('[data-testid="stMetric"]').filter(has_text="Words").first.inner_text()
    assert f"{len(text.split())}" in words.split(), (words, text)  # the counters survived the rerun
    assert f"finish_reason = length · {len(text.split())} words" in page.locator("body").inner_text()


def test_tool_calls_final_answer_has_three_layers_and_the_run_stays(page, app_url):
    open_page(page, app_url, "tool_calls")
    table = run_until_browser_layer(page, "tools_run", "tools_layers")
    text, shown = answer(page, "tools_answer"), shown_chars(page, "tools_answer")
    assert_one_lane_in_order(table, shown)
    assert text.startswith("I checked get_weather. San Francisco"), text
    args = page.locator('.st-key-tools_args [data-testid="stCode"]').first.inner_text()
    assert '"city": "San Francisco"' in args and '"days": 3' in args, args
    body = page.locator("body").inner_text()
    assert "get_weather.invoke({'city': 'San Francisco', 'days': 3})" in body, body


def answer(page, output_key: str) -> str:
    return page.locator(f".st-key-{output_key}").inner_text().strip()
