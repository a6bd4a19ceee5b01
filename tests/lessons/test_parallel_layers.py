"""Page 06's three layers per branch (sent by server / received by LangChain / shown in browser)
under AppTest. Each branch is its own request, so its own lane (a tab) with its own server trace.

AppTest runs no JavaScript: the browser layer stays empty here; the browser test
(tests/e2e/test_chains_layers_browser.py) covers it in chromium.
"""

from __future__ import annotations

import pandas as pd

from streamlab.measure.layers import BROWSER, LANGCHAIN, SERVER
from tests.support.apptest import open_page, texts

PAGE = "lessons/06_parallel.py"
PROFILE = {"sim_ttft_ms": 20.0, "sim_tokens_per_s": 400.0, "sim_jitter_ms": 0.0, "sim_seed": 1}


def layer_tables(at) -> dict[str, pd.DataFrame]:
    return {
        tab.label: next(t.value for t in tab.table if "first token (ms)" in t.value.columns)
        for tab in at.tabs
        if any("first token (ms)" in t.value.columns for t in tab.table)
    }


def run(at, *, baseline: bool = False):
    at.slider(key="par_max_tokens").set_value(40)
    if not baseline:
        at.checkbox(key="par_sequential").uncheck()
    at.button(key="par_run").click().run()
    assert not at.exception
    return at


def test_each_branch_has_its_own_server_trace_and_langchain_layer():
    at = run(open_page(PAGE, profile=PROFILE))
    tables = layer_tables(at)
    assert list(tables) == ["short", "detailed"]
    for name, table in tables.items():
        assert list(table.index) == [SERVER, LANGCHAIN, BROWSER], name
        assert table.loc[SERVER, "updates"] == table.loc[LANGCHAIN, "updates"] > 10, name
        assert table.loc[SERVER, "chars"] == table.loc[LANGCHAIN, "chars"] > 0, name
        assert table.loc[SERVER, "first token (ms)"] <= table.loc[LANGCHAIN, "first token (ms)"], name
        assert pd.isna(table.loc[BROWSER, "first token (ms)"]), name
    # Both branches start together; `detailed` waits 4× the sidebar's TTFT (80 vs 20 ms).
    short, detailed = (tables[n].loc[SERVER, "first token (ms)"] for n in ("short", "detailed"))
    assert short < detailed < short + 400, (short, detailed)
    assert "needs a real browser tab" in texts(at)
    assert "the one-after-the-other baseline has none" in texts(at).replace("\n", " ")


def test_a_rerun_redraws_both_branches_cards_checks_and_layers():
    at = run(open_page(PAGE, profile=PROFILE), baseline=True)
    before = {m.label: m.value for m in at.metric}
    at.run()  # e.g. the browser's report
    assert not at.exception
    page = texts(at)
    assert page.count("Retrieval-Augmented Generation") >= 2  # both branch texts are back
    assert "add_up(chunks) → AddableDict({'" in page
    checks = [m.value for m in at.markdown if m.value.startswith(("✅", "❌"))]
    assert len(checks) == 4 and all(c.startswith("✅") for c in checks), checks
    assert [m.label for m in at.metric].count("TTFT") == 2
    assert {m.label: m.value for m in at.metric} == before  # the same numbers, not a new run
    assert before["One after the other"] != "—"
    assert list(layer_tables(at)) == ["short", "detailed"]
    assert len(at.get("plotly_chart")) == 1 + 2  # arrival + one layer chart per branch
