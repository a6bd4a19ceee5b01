"""Page 10's long-form article in three layers under AppTest, and its redraw on a rerun.

AppTest runs no JavaScript, so "shown in browser" stays empty here; the browser test
(tests/e2e/test_single_layers_browser.py) covers it in chromium.
"""

from __future__ import annotations

import pandas as pd

from streamlab.measure.layers import BROWSER, LANGCHAIN, SERVER
from tests.support.apptest import FAST_PROFILE, open_page, texts

PAGE = "lessons/10_use_cases.py"
ARTICLE = "Streams carry long articles. " * 12  # forced by the simulator: a known text


def layer_table(at) -> pd.DataFrame:
    return next(t.value for t in at.table if "first token (ms)" in t.value.columns)


def run_article(**profile) -> object:
    at = open_page(PAGE, profile={**FAST_PROFILE, **profile})
    at.slider(key="uc_long_max_tokens").set_value(100)
    at.button(key="uc_long_run").click().run()
    assert not at.exception, at.exception
    return at


def test_article_shows_server_and_langchain_layers_and_waits_for_the_browser():
    at = run_article()
    table = layer_table(at)
    assert list(table.index) == [SERVER, LANGCHAIN, BROWSER]
    tokens = int({m.label: m.value for m in at.metric}["Tokens"])
    assert table.loc[SERVER, "updates"] == table.loc[LANGCHAIN, "updates"] == tokens == 100
    assert table.loc[SERVER, "chars"] == table.loc[LANGCHAIN, "chars"] > 300
    assert table.loc[SERVER, "first token (ms)"] <= table.loc[LANGCHAIN, "first token (ms)"]
    assert pd.isna(table.loc[BROWSER, "first token (ms)"])
    page = texts(at)
    assert "needs a real browser tab" in page
    assert "*last token* column" in at.info[0].value


def test_a_rerun_redraws_the_article_counters_metrics_and_layers_unchanged():
    at = run_article(sim_text=ARTICLE)
    before = {m.label: m.value for m in at.metric}
    at.run()  # e.g. the browser's report
    assert not at.exception
    assert ARTICLE.strip() in [m.value for m in at.markdown]
    after = {m.label: m.value for m in at.metric}
    assert after == before  # the Elapsed card is the run's, not the time since
    assert after["Words"] == str(len(ARTICLE.split()))
    assert {"TTFT", "Chunks", "Elapsed"} <= set(after)
    assert layer_table(at).loc[LANGCHAIN, "chars"] == len(ARTICLE.strip()) + 1  # the trailing space
    assert f"finish_reason = `stop` · {len(ARTICLE.split())} words" in texts(at)


def test_other_providers_have_no_server_layer(sim_base_url):
    at = run_article(provider_kind="compatible", compat_url=sim_base_url, compat_model="sim-detailed")
    table = layer_table(at)
    assert pd.isna(table.loc[SERVER, "first token (ms)"])
    assert table.loc[LANGCHAIN, "updates"] == 100
    assert "measured only by the embedded simulator" in texts(at)
