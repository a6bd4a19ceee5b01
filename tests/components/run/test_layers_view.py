"""The three-layer view: one curve and one first-token marker per measured layer."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

from components.run.layers_view import LAYER_COLORS, layers_figure, layers_notes
from streamlab.measure.layers import BROWSER, LANGCHAIN, LAYER_COLUMNS, LAYERS, SERVER, summarize_layers


def frame(*rows: tuple[str, float, int]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"layer": layer, "t_ms": t, "text": "", "chars": 1, "cum_chars": n} for layer, t, n in rows],
        columns=LAYER_COLUMNS,
    )


FULL = frame(
    (SERVER, 200, 3), (SERVER, 210, 5), (LANGCHAIN, 201, 3), (LANGCHAIN, 211, 5), (BROWSER, 230, 5)
)


def test_figure_draws_each_layer_as_a_step_curve_from_the_request_start():
    fig = layers_figure(FULL)
    curves = [t for t in fig.data if t.mode == "lines"]
    assert [c.name for c in curves] == list(LAYERS)
    assert [c.line.color for c in curves] == [LAYER_COLORS[layer] for layer in LAYERS]
    assert all(c.line.shape == "hv" and c.x[0] == 0 and c.y[0] == 0 for c in curves)
    assert list(curves[0].x) == [0, 200, 210]


def test_figure_marks_each_layers_first_token():
    markers = [t for t in layers_figure(FULL).data if t.mode == "markers"]
    assert [(m.x[0], m.y[0]) for m in markers] == [(200, 3), (201, 3), (230, 5)]


def test_figure_skips_unmeasured_layers_and_explains_an_empty_frame():
    fig = layers_figure(frame((LANGCHAIN, 201, 3)))
    assert [t.name for t in fig.data if t.mode == "lines"] == [LANGCHAIN]
    empty = layers_figure(frame())
    assert not empty.data and "press Run" in empty.layout.annotations[0].text


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
