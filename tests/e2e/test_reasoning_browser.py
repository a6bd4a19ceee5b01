"""Lesson "Reasoning tokens" in chromium: the thoughts fill the folded status (its label naming the
summary's heading) before the first answer word, then the answer grows; both texts are timed in
three layers, the thoughts first."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.accessibility import assert_accessible
from tests.support.browser import (
    BROWSER,
    LANGCHAIN,
    RUN_TIMEOUT_MS,
    SERVER,
    assert_grows,
    assert_layers_in_order,
    assert_no_exception,
    growth,
    layers_with_browser_row,
    run_watching,
    shown_chars,
    texts,
    wait_idle,
)
from tools.browser import lesson_url

pytestmark = pytest.mark.browser
# 40 tokens/s: a stream lasts long enough to be painted in steps even when a busy 2-core machine
# gives the browser a frame only every few hundred ms.
PROFILE = {"ttft": "100", "tps": "40", "jitter": "0", "seed": "1"}
LABEL = ".st-key-reasoning_status summary"


def test_reasoning_thoughts_fill_the_folded_status_before_the_answer_and_both_are_timed(page, app_url):
    page.goto(lesson_url(app_url, "reasoning", **PROFILE))
    page.locator(".st-key-reasoning_run").wait_for(timeout=RUN_TIMEOUT_MS)
    wait_idle(page)
    lengths = {"thoughts": ".st-key-reasoning_thoughts", "answer": ".st-key-reasoning_answer"}
    seen = run_watching(page, "reasoning_run", lengths, grows=list(lengths), texts={"label": LABEL})
    labels = texts(page)["label"]
    assert_grows(seen["thoughts"], what="the thoughts")
    assert_grows(seen["answer"], what="the answer")
    # Every thought was on screen before the first answer word.
    assert growth(seen["thoughts"])[-1][0] <= growth(seen["answer"])[0][0], seen
    # The folded line reads like a chat UI's: the summary's heading while it thinks, then how long.
    thinking = [i for i, label in enumerate(labels) if "Thinking: Understanding the question" in label]
    thought = [i for i, label in enumerate(labels) if "Thought for " in label]
    assert thinking and thought and thinking[0] < thought[0], labels
    assert page.locator(".st-key-reasoning_status details").get_attribute("open") is None  # folded
    wait_idle(page)
    expect(page.locator(LABEL)).to_contain_text("Thought for ")  # also after the probe's rerun
    tables = []
    for index, key in enumerate(("reasoning_thoughts", "reasoning_answer")):
        table = layers_with_browser_row(page, f"reasoning_layers_{index}")
        assert_layers_in_order(table, shown_chars(page, key))
        tables.append(table)
    thoughts, answer = tables
    for layer in (SERVER, LANGCHAIN, BROWSER):
        assert thoughts[layer]["first"] < answer[layer]["first"], tables
    assert_no_exception(page)
    assert_accessible(page, "reasoning")
