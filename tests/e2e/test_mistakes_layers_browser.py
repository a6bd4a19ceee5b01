"""Common mistakes in chromium, in three layers: each side of the arrival demos is a lane.

What the learner should see: after a plain step (or with `streaming=False`) the browser shows the
text in one update, after the server finished; the fix is painted while the server still sends.
The browser's report is a rerun of the demo's fragment: both sides must stay on the page.
"""

from __future__ import annotations

import pytest

from tests.support.browser import (
    BROWSER,
    LANGCHAIN,
    SERVER,
    assert_layers_in_order,
    assert_no_exception,
    open_lesson,
    run_until_layers,
    shown_chars,
)

pytestmark = pytest.mark.browser
# 60 tokens at 50 tok/s: ~1.3 s per side, long enough for a loaded machine to paint mid-stream.
PROFILE = {"ttft": "100", "tps": "50", "jitter": "0", "seed": "1"}


def open_tab(page, app_url: str, title: str) -> None:
    open_lesson(page, app_url, "common_mistakes", **PROFILE)
    page.get_by_role("tab", name=title).click()


@pytest.mark.parametrize(
    ("name", "tab"), [("plain_step", "Plain step after the LLM"), ("streaming_flag", "streaming=True")]
)
def test_the_mistake_reaches_the_screen_at_once_the_fix_while_the_server_sends(page, app_url, name, tab):
    open_tab(page, app_url, tab)
    mistake, fix = run_until_layers(
        page, f"mist_{name}_run", [f"mist_{name}_layers_0", f"mist_{name}_layers_1"]
    )
    assert_no_exception(page)
    assert_layers_in_order(mistake, shown_chars(page, f"mist_{name}_mistake_text"))
    assert_layers_in_order(fix, shown_chars(page, f"mist_{name}_fix_text"))
    assert mistake[LANGCHAIN]["updates"] == mistake[BROWSER]["updates"] == 1, mistake
    assert mistake[BROWSER]["first"] >= mistake[SERVER]["last"], mistake
    assert fix[BROWSER]["updates"] >= 3, fix  # painted piece by piece
    assert fix[BROWSER]["first"] < fix[LANGCHAIN]["last"], fix
    # The report's rerun redrew both sides: verdicts under each.
    assert page.locator(f".st-key-mist_{name}_layers_0").count() == 1
    verdicts = page.get_by_test_id("stAlertContentSuccess").all_inner_texts()
    assert any("chunks with text" in v for v in verdicts), verdicts
