"""Page 03's layers under AppTest: the SSE tap's row matches "sent by server"; the run survives reruns.

AppTest runs no JavaScript, so "shown in browser" stays empty here; the browser test
(tests/e2e/test_single_layers_browser.py) covers it in chromium.
"""

from __future__ import annotations

import pandas as pd

from components.views.internals import WIRE
from streamlab.measure.layers import BROWSER, LANGCHAIN, SERVER
from tests.support.apptest import FAST_PROFILE, open_page, texts

PAGE = "lessons/03_internals.py"
ANSWER = "Chunks travel as SSE lines."


FIRST = "first token (ms)"


def tables(at) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the three-layer table, the SSE tap's one-row table)."""
    found = {t.value.index[0]: t.value for t in at.table if FIRST in t.value.columns}
    return found[SERVER], found[WIRE]


def run(max_tokens: int = 12, **profile) -> object:
    at = open_page(PAGE, profile={**FAST_PROFILE, **profile})
    at.slider(key="int_max_tokens").set_value(max_tokens)
    at.button(key="int_run").click().run()
    assert not at.exception, at.exception
    return at


def test_server_layer_equals_what_the_sse_tap_saw_on_the_wire():
    at = run(12)
    layers, wire = tables(at)
    assert list(layers.index) == [SERVER, LANGCHAIN, BROWSER]
    assert layers.loc[SERVER, "updates"] == layers.loc[LANGCHAIN, "updates"] == wire.loc[WIRE, "updates"]
    assert wire.loc[WIRE, "updates"] == 12  # max_tokens
    assert layers.loc[SERVER, "chars"] == layers.loc[LANGCHAIN, "chars"] == wire.loc[WIRE, "chars"] > 12
    sent, seen, received = layers.loc[SERVER, FIRST], wire.loc[WIRE, FIRST], layers.loc[LANGCHAIN, FIRST]
    assert sent <= seen <= received, (sent, seen, received)
    assert pd.isna(layers.loc[BROWSER, FIRST])
    page = texts(at)
    assert "needs a real browser tab" in page
    assert "the same pieces." in page and "is what crossed the wire" in page


def test_a_rerun_redraws_the_answer_metrics_tables_and_layers():
    at = run(60, sim_text=ANSWER)
    at.run()  # e.g. the browser's report
    assert not at.exception
    assert ANSWER in [m.value for m in at.markdown]
    layers, wire = tables(at)
    assert layers.loc[LANGCHAIN, "chars"] == wire.loc[WIRE, "chars"] == len(ANSWER)
    content_chunks = int({m.label: m.value for m in at.metric}["Content chunks"])
    assert content_chunks == layers.loc[LANGCHAIN, "updates"] == wire.loc[WIRE, "updates"] > 1
    assert any("chunk_position" in df.value.columns for df in at.dataframe)


def test_other_providers_have_no_server_layer_but_still_a_wire_row(sim_base_url):
    at = run(12, provider_kind="compatible", compat_url=sim_base_url, compat_model="sim-fast")
    layers, wire = tables(at)
    assert pd.isna(layers.loc[SERVER, FIRST])
    assert wire.loc[WIRE, "updates"] == layers.loc[LANGCHAIN, "updates"] == 12
    assert "nothing to compare it with here" in texts(at)
