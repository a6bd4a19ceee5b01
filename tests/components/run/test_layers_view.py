"""The three-layer view: a table of first/last tokens per layer, notes on what is missing, the chart."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

from components.run.layers_view import layers_notes
from streamlab.measure.layers import BROWSER, LANGCHAIN, LAYER_COLUMNS, LAYERS, SERVER, summarize_layers


def frame(*rows: tuple[str, float, int]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"layer": layer, "t_ms": t, "text": "", "chars": 1, "cum_chars": n} for layer, t, n in rows],
        columns=LAYER_COLUMNS,
    )


FULL = frame(
    (SERVER, 200, 3), (SERVER, 210, 5), (LANGCHAIN, 201, 3), (LANGCHAIN, 211, 5), (BROWSER, 230, 5)
)


def test_notes_say_why_a_layer_is_missing():
    notes = layers_notes(summarize_layers(frame((LANGCHAIN, 201, 3))))
    assert any("embedded simulator" in n for n in notes)
    assert any("real browser" in n for n in notes)
    assert layers_notes(summarize_layers(FULL)) == []


def test_render_layers_shows_a_three_row_table_and_the_chart():
    def page() -> None:
        import pandas as pd

        from components.run.layers_view import render_layers
        from streamlab.measure.layers import LAYER_COLUMNS, summarize_layers

        rows = [
            {"layer": "received by LangChain", "t_ms": 201.0, "text": "Hi", "chars": 2, "cum_chars": 2}
        ]
        data = pd.DataFrame(rows, columns=LAYER_COLUMNS)
        render_layers(summarize_layers(data), data, key="t_layers")

    at = AppTest.from_function(page).run()
    assert not at.exception
    table = at.table[0].value
    assert list(table.index) == list(LAYERS)
    assert len(at.get("plotly_chart")) == 1
    assert len(at.caption) == 2  # no server trace, no browser report yet
