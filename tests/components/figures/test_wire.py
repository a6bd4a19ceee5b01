"""The FastAPI lesson's charts: chain and wire lanes on one clock, and milestone bars per variant."""

from __future__ import annotations

import pandas as pd

from components.figures.theme import LAYER_COLORS, MILESTONE_COLORS
from components.figures.wire import timing_bars_figure, wire_timeline_figure
from streamlab.measure.layers import LANGCHAIN, SERVER

WIRE = pd.DataFrame(
    {"t_ms": [12.0, 30.0], "wire_bytes": [40, 400], "body_bytes": [40, 90], "text": ["a", "<b>"]}
)
CHAIN = pd.DataFrame({"t_ms": [10.0, 28.0, 29.0], "chunk": [0, 1, 2], "chars": [0, 1, 3]})


def test_wire_timeline_figure_when_both_sides_recorded_then_two_lanes_and_the_headers_line():
    fig = wire_timeline_figure(WIRE, CHAIN, headers_ms=5.0)

    chain, wire = fig.data
    assert (chain.name, list(chain.x)) == ("chain yielded (server)", [10.0, 28.0, 29.0])
    assert (wire.name, list(wire.x)) == ("bytes read (client)", [12.0, 30.0])
    assert (chain.marker.color, wire.marker.color) == (LAYER_COLORS[SERVER], LAYER_COLORS[LANGCHAIN])
    assert wire.marker.size[1] > wire.marker.size[0]  # more bytes, bigger dot
    assert "&#x27;&lt;b&gt;&#x27;" in wire.hovertext[1]  # repr of the text, escaped
    assert [shape.x0 for shape in fig.layout.shapes] == [5.0]
    assert fig.layout.annotations[0].text == "headers"


def test_wire_timeline_figure_when_nothing_recorded_then_a_note():
    fig = wire_timeline_figure(WIRE.iloc[:0], CHAIN.iloc[:0])

    assert not fig.data and fig.layout.annotations


def test_timing_bars_figure_when_two_variants_then_one_bar_per_milestone_and_variant():
    summary = pd.DataFrame(
        {
            "variant": ["plain", "gzip"],
            "headers_ms": [5.0, 6.0],
            "first_text_ms": [20.0, 300.0],
            "end_ms": [300.0, 310.0],
        }
    )

    fig = timing_bars_figure(summary)

    assert [(bar.name, list(bar.x)) for bar in fig.data] == [
        ("headers", [5.0, 6.0]),
        ("first text", [20.0, 300.0]),
        ("done", [300.0, 310.0]),
    ]
    assert all(bar.marker.color == MILESTONE_COLORS[bar.name] for bar in fig.data)
    assert all(list(bar.y) == ["plain", "gzip"] for bar in fig.data)
