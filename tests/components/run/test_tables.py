"""Evidence tables: drawn as static tables, so long text wraps instead of ending in "…"."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.support.apptest import open_page, table_with


def _page() -> None:
    import pandas as pd

    from components.run.tables import render_evidence_table

    long = "the whole evidence " * 20
    render_evidence_table(pd.DataFrame({"claim": ["a"], "observed": [long], "ms": [1.2345]}), key="t")


def test_evidence_table_when_text_is_long_then_every_word_is_in_a_static_table():
    at = AppTest.from_function(_page).run()
    assert not at.exception and not at.dataframe  # not a grid: a grid cuts cells to one line
    (table,) = at.table
    assert table.value["observed"].tolist() == ["the whole evidence " * 20]


def test_can_cannot_stream_table_keeps_its_key_and_every_verdict_whole():
    at = open_page("lessons/08_can_cannot_stream.py")
    at.button(key="cc_run").click().run()
    table = table_with(at, "verdict")
    assert "partial: several chunks, all at the end" in set(table["verdict"])
    assert not [d for d in at.dataframe if "verdict" in d.value.columns]
