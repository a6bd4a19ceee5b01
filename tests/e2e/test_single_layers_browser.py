"""Pages 03, 10 (article) and 12 (final answer) in chromium: one lane each, measured in three
layers, and the browser's report (a rerun) keeps the lesson's results on the page.

Per page: click Run, wait until the "shown in browser" row has numbers, then check the order
server ≤ LangChain ≤ browser and that the browser counted exactly the characters shown.
"""

from __future__ import annotations

import re

import pytest

from bench._browser import lesson_url
from tests.e2e.conftest import assert_no_exception
from tests.e2e.lesson_helpers import RUN_TIMEOUT_MS, plotly_traces, press_slider, run_button, wait_idle

pytestmark = pytest.mark.browser
PROFILE = {"ttft": "100", "tps": "100", "jitter": "0", "seed": "1"}
SERVER, LANGCHAIN, BROWSER = "sent by server", "received by LangChain", "shown in browser"

ROWS_JS = """
(selector) => [...document.querySelectorAll(selector + ' table tbody tr')].map(
  (tr) => [...tr.querySelectorAll('th, td')].map((cell) => cell.innerText.trim()))
"""
BROWSER_MEASURED_JS = """
(selector) => [...document.querySelectorAll(selector + ' table tbody tr')].some(
  (tr) => tr.innerText.includes('shown in browser') && !tr.innerText.includes('—'))
"""


def number(cell: str) -> float | None:
    return None if cell in ("—", "") else float(cell.replace(",", ""))


def rows(page, key: str) -> dict[str, list[float | None]]:
    """{layer: [first ms, last ms, + ms, updates, chars]} of the table in `.st-key-<key>`."""
    return {row[0]: [number(c) for c in row[1:6]] for row in page.evaluate(ROWS_JS, f".st-key-{key}")}


def open_page(page, app_url: str, path: str) -> None:
    page.goto(lesson_url(app_url, path, **PROFILE))
    page.locator(".st-key-check_connection").wait_for(timeout=RUN_TIMEOUT_MS)  # the sidebar is drawn
    wait_idle(page)


def run_until_browser_layer(page, run_key: str, layers_key: str) -> dict[str, list[float | None]]:
    run_button(page, run_key).click()
    # The probe reports after the run; its rerun redraws the table with the browser row filled.
    page.wait_for_function(BROWSER_MEASURED_JS, arg=f".st-key-{layers_key}", timeout=RUN_TIMEOUT_MS)
    wait_idle(page)
    assert_no_exception(page)
    return rows(page, layers_key)


def shown_chars(page, output_key: str) -> tuple[str, int]:
    """The text shown in the output container, and its length as the DOM holds it (no line breaks)."""
    text = page.locator(f".st-key-{output_key}").inner_text().strip()
    return text, len(text.replace("\n", ""))


def assert_layers_in_order(table: dict[str, list[float | None]], shown: int) -> None:
    (sent, sent_last, _, sent_n, sent_chars) = table[SERVER]
    (received, received_last, _, received_n, received_chars) = table[LANGCHAIN]
    (painted, painted_last, _, painted_n, painted_chars) = table[BROWSER]
    assert sent <= received <= painted, table
    assert sent_last <= received_last <= painted_last, table
    assert sent_n == received_n and sent_chars == received_chars, table
    assert 1 <= painted_n <= received_n, table
    assert painted_chars == shown, (table, shown)


def test_internals_server_layer_matches_the_wire_and_the_browser_comes_last(page, app_url):
    open_page(page, app_url, "internals")
    table = run_until_browser_layer(page, "int_run", "int_layers")
    text, shown = shown_chars(page, "int_output")
    assert_layers_in_order(table, shown)
    assert table[SERVER][3] == 12  # max_tokens: one SSE line per token
    (wire_row,) = page.evaluate(ROWS_JS, ".st-key-int_wire")  # layer, first, last, updates, chars, by
    assert wire_row[0] == "on the wire (SSE tap)", wire_row
    wire = [number(cell) for cell in wire_row[1:5]]
    assert wire[2:4] == table[SERVER][3:5], (wire, table)  # updates, chars: the same pieces
    assert table[SERVER][0] <= wire[0] <= table[LANGCHAIN][0], (wire, table)
    # The report's rerun kept the answer, the chunk tables and the arrival chart.
    assert text and shown == table[LANGCHAIN][4]
    assert page.get_by_test_id("stDataFrame").count() >= 3
    assert plotly_traces(page, ".st-key-int_arrival")["lines"] >= 2  # chunks and SSE lines


def test_use_cases_article_shows_the_browser_last_token_after_langchain(page, app_url):
    open_page(page, app_url, "use_cases")
    page.get_by_role("tab", name=re.compile("Long-form")).click()
    press_slider(page, "uc_long_max_tokens", "Home", "ArrowRight", "ArrowRight", value="60")
    table = run_until_browser_layer(page, "uc_long_run", "uc_long_layers")
    text, shown = shown_chars(page, "uc_long_text")
    assert_layers_in_order(table, shown)
    assert table[LANGCHAIN][3] == 60  # max_tokens
    assert table[BROWSER][1] > table[LANGCHAIN][1], table  # the last token lags (the Markdown render)
    words = page.locator('[data-testid="stMetric"]').filter(has_text="Words").first.inner_text()
    assert f"{len(text.split())}" in words.split(), (words, text)  # the counters survived the rerun
    assert f"finish_reason = length · {len(text.split())} words" in page.locator("body").inner_text()


def test_tool_calls_final_answer_has_three_layers_and_the_run_stays(page, app_url):
    open_page(page, app_url, "tool_calls")
    table = run_until_browser_layer(page, "tools_run", "tools_layers")
    text, shown = shown_chars(page, "tools_answer")
    assert_layers_in_order(table, shown)
    assert text.startswith("The tool returned San Francisco"), text
    args = page.locator('.st-key-tools_args [data-testid="stCode"]').first.inner_text()
    assert '"city": "San Francisco"' in args and '"days": 3' in args, args
    body = page.locator("body").inner_text()
    assert "get_weather.invoke({'city': 'San Francisco', 'days': 3})" in body, body
