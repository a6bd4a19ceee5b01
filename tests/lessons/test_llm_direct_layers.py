"""Page 04's three layers (sent by server / received by LangChain / shown in browser) under AppTest.

AppTest runs no JavaScript, so the browser layer stays empty here; the browser tests
(tests/e2e/test_llm_direct_browser.py) cover it in chromium.
"""

from __future__ import annotations

import pandas as pd

from streamlab.measure.layers import BROWSER, LANGCHAIN, SERVER
from tests.support.apptest import FAST_PROFILE, open_page, texts

PAGE = "lessons/04_llm_direct.py"


def layer_table(at) -> pd.DataFrame:
    return next(t.value for t in at.table if "first token (ms)" in t.value.columns)


def test_run_shows_server_and_langchain_layers_and_waits_for_the_browser():
    at = open_page(PAGE)
    at.button(key="direct_run").click().run()
    assert not at.exception
    table = layer_table(at)
    assert list(table.index) == [SERVER, LANGCHAIN, BROWSER]
    assert table.loc[SERVER, "updates"] == table.loc[LANGCHAIN, "updates"] > 10
    assert table.loc[SERVER, "chars"] == table.loc[LANGCHAIN, "chars"]
    assert table.loc[SERVER, "first token (ms)"] <= table.loc[LANGCHAIN, "first token (ms)"]
    assert pd.isna(table.loc[BROWSER, "first token (ms)"])
    assert "needs a real browser tab" in texts(at)


def test_a_rerun_redraws_the_last_answer_metrics_and_layers():
    at = open_page(PAGE, profile={**FAST_PROFILE, "sim_text": "A short fixed answer."})
    at.button(key="direct_run").click().run()
    at.run()  # e.g. the browser's report, or any other widget
    assert not at.exception
    assert "A short fixed answer." in [m.value for m in at.markdown]
    assert {m.label for m in at.metric} >= {"TTFT", "Chunks"}
    assert layer_table(at).loc[LANGCHAIN, "chars"] == len("A short fixed answer.")


def test_other_providers_have_no_server_layer(sim_base_url):
    at = open_page(
        PAGE,
        profile={
            **FAST_PROFILE,
            "provider_kind": "compatible",
            "compat_url": sim_base_url,
            "compat_model": "sim-fast",
        },
    )
    at.button(key="direct_run").click().run()
    assert not at.exception
    table = layer_table(at)
    assert pd.isna(table.loc[SERVER, "first token (ms)"])
    assert table.loc[LANGCHAIN, "updates"] > 10
    assert "measured only by the embedded simulator" in texts(at)
