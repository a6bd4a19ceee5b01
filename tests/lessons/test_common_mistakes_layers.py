"""Common mistakes in three layers (sent by server / received by LangChain / shown in browser).

The demos about *when text arrives* (a plain step after the model, config not passed to a
thread, `streaming=False`) measure both sides as lanes. AppTest runs no JavaScript, so the
browser layer stays empty here; tests/e2e/test_mistakes_layers_browser.py covers it in chromium.
"""

from __future__ import annotations

import pandas as pd
import pytest

from streamlab.measure.layers import BROWSER, LANGCHAIN, SERVER
from tests.support.apptest import FAST_PROFILE, open_page, texts

PAGE = "lessons/11_common_mistakes.py"
FIRST, LAST, UPDATES, CHARS = "first token (ms)", "last token (ms)", "updates", "chars"
# Slow enough that "while the server still sends" is measurable (60 tokens take ~150 ms).
STREAMING = {**FAST_PROFILE, "sim_tokens_per_s": 400.0}


def run_demo(name: str, profile: dict | None = None):
    at = open_page(PAGE, profile=profile)
    at.button(key=f"mist_{name}_run").click().run()
    assert not at.exception, at.exception
    tables = [t.value for t in at.table if FIRST in t.value.columns]
    assert len(tables) == 2, "one three-layer table per side, for this demo only"
    for table in tables:
        assert list(table.index) == [SERVER, LANGCHAIN, BROWSER]
        assert table.loc[SERVER, FIRST] <= table.loc[LANGCHAIN, FIRST]
        assert pd.isna(table.loc[BROWSER, FIRST])
    assert "needs a real browser tab" in texts(at)
    return at, tables


def test_plain_step_gets_the_text_to_langchain_only_after_the_server_finished():
    _, (mistake, fix) = run_demo("plain_step", STREAMING)
    assert mistake.loc[SERVER, UPDATES] > 10 and mistake.loc[LANGCHAIN, UPDATES] == 1
    assert mistake.loc[LANGCHAIN, FIRST] >= mistake.loc[SERVER, LAST]
    assert fix.loc[LANGCHAIN, UPDATES] == fix.loc[SERVER, UPDATES] > 10
    assert fix.loc[LANGCHAIN, FIRST] < fix.loc[SERVER, LAST]
    assert fix.loc[LANGCHAIN, CHARS] == fix.loc[SERVER, CHARS]


def test_config_not_passed_means_invoke_does_not_even_stream_at_the_server():
    # No callbacks reach the model's invoke(), so it sends a non-streaming request: one update.
    _, (mistake, fix) = run_demo("config", STREAMING)
    for layer in (SERVER, LANGCHAIN):
        assert mistake.loc[layer, UPDATES] == 1
    assert fix.loc[SERVER, UPDATES] == fix.loc[LANGCHAIN, UPDATES] > 10
    assert fix.loc[LANGCHAIN, FIRST] < fix.loc[SERVER, LAST]
    assert mistake.loc[LANGCHAIN, CHARS] == fix.loc[LANGCHAIN, CHARS]  # the same answer


def test_streaming_false_is_one_update_in_every_layer_and_unset_streams():
    _, (mistake, fix) = run_demo("streaming_flag")
    assert mistake.loc[SERVER, UPDATES] == mistake.loc[LANGCHAIN, UPDATES] == 1
    assert fix.loc[SERVER, UPDATES] == fix.loc[LANGCHAIN, UPDATES] > 10
    assert mistake.loc[SERVER, CHARS] == mistake.loc[LANGCHAIN, CHARS]


def test_a_rerun_redraws_both_sides_and_their_layers():
    at, _ = run_demo("streaming_flag", profile={**FAST_PROFILE, "sim_text": "Same short answer here."})
    at.run()  # e.g. the browser's report
    assert not at.exception
    tables = [t.value for t in at.table if FIRST in t.value.columns]
    assert [t.loc[LANGCHAIN, CHARS] for t in tables] == [len("Same short answer here.")] * 2
    assert [m.value for m in at.markdown].count("Same short answer here.") == 2


@pytest.mark.parametrize("name", ["print", "lambda", "sync_in_async", "async_for"])
def test_demos_not_about_arrival_have_no_layers(name):
    at = open_page(PAGE)
    at.button(key=f"mist_{name}_run").click().run()
    assert not at.exception
    assert not [t for t in at.table if FIRST in t.value.columns]
