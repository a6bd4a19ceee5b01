"""The three-layer chart: one curve and one first-token marker per measured layer."""

from __future__ import annotations

import pandas as pd

from components.figures.layers import layers_figure
from components.figures.theme import LAYER_COLORS
from streamlab.measure.layers import BROWSER, LANGCHAIN, LAYER_COLUMNS, LAYERS, SERVER


def frame(*rows: tuple[str, float, int]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"layer": layer, "t_ms": t, "text": "", "chars": 1, "cum_chars": n} for layer, t, n in rows],
        columns=LAYER_COLUMNS,
    )


FULL = frame(
    (SERVER, 200, 3), (SERVER, 210, 5), (LANGCHAIN, 201, 3), (LANGCHAIN, 211, 5), (BROWSER, 230, 5)
)


def test_layers_figure_when_all_layers_measured_then_one_step_curve_each_from_the_request_start():
    fig = layers_figure(FULL)

    curves = [t for t in fig.data if t.mode == "lines"]
    assert [c.name for c in curves] == list(LAYERS)
    assert [c.line.color for c in curves] == [LAYER_COLORS[layer] for layer in LAYERS]
    assert all(c.line.shape == "hv" and c.x[0] == 0 and c.y[0] == 0 for c in curves)
    assert list(curves[0].x) == [0, 200, 210]


def test_layers_figure_when_all_layers_measured_then_each_first_token_is_marked():
    markers = [t for t in layers_figure(FULL).data if t.mode == "markers"]

    assert [(m.x[0], m.y[0]) for m in markers] == [(200, 3), (201, 3), (230, 5)]


def test_layers_figure_when_one_layer_measured_then_only_its_curve():
    fig = layers_figure(frame((LANGCHAIN, 201, 3)))

    assert [t.name for t in fig.data if t.mode == "lines"] == [LANGCHAIN]


def test_layers_figure_when_nothing_measured_then_a_note_says_press_run():
    empty = layers_figure(frame())

    assert not empty.data and "press Run" in empty.layout.annotations[0].text
