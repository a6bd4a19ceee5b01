"""Every chart is drawn with the one template and takes its colours from the theme.

The table below builds each figure of components/figures, filled and empty. A guard over the
sources keeps colour literals, margins and `st.plotly_chart` calls out of the chart code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from components.figures.agent_timeline import AGENT_KIND_COLORS, agent_timeline_figure
from components.figures.arrival import arrival_figure
from components.figures.counts import count_bars_figure
from components.figures.flags import flag_chart_figure
from components.figures.lab import (
    distribution_figure,
    ecdf_figure,
    sample_arrival_figure,
    timeline_figure,
)
from components.figures.layers import layers_figure
from components.figures.loop import ticks_figure
from components.figures.strip import chunk_strip_figure
from components.figures.theme import (
    FONT_SIZE,
    PALETTE,
    TEMPLATE,
    TEMPLATE_NAME,
    VERDICT_COLORS,
    empty_figure,
    hover_text,
    theme_colors,
)
from components.figures.timeline import event_timeline_figure
from components.figures.trials import trials_figure
from components.figures.wire import timing_bars_figure, wire_timeline_figure
from streamlab.measure.event_rows import to_dataframe
from streamlab.measure.event_spans import to_spans
from streamlab.measure.events import capture_events_sync
from streamlab.measure.layers import LAYER_COLUMNS, LAYERS
from streamlab.measure.trials import Trial, to_frame
from tests.support.event_chains import seed_chain

ROOT = Path(__file__).resolve().parents[3]

RUNS = pd.DataFrame(
    {"run": ["stream"] * 3 + ["invoke"], "t_ms": [5.0, 50.0, 90.0, 400.0], "chars": [0, 4, 4, 8]}
)
LAB_TRIALS = pd.DataFrame(
    {
        "variant": ["a", "a", "b", "b", "b"],
        "trial": [0, 1, 0, 1, 2],
        "status": ["ok", "ok", "ok", "failed", "stopped"],
        "ttft_ms": [20.0, 22.0, 300.0, None, None],
        "total_ms": [300.0, 310.0, 305.0, None, None],
        "started_ms": [0.0, 10.0, 20.0, 30.0, 40.0],
        "ended_ms": [300.0, 320.0, 325.0, 35.0, 45.0],
    }
)
LAB_CHUNKS = pd.DataFrame(
    {"variant": ["a", "a", "b"], "trial": [0, 0, 0], "branch": None, "t_ms": [20.0, 300.0, 300.0]}
).assign(chars=[2, 2, 4])
LAYER_ROWS = pd.DataFrame(
    [
        {"layer": layer, "t_ms": 200.0 + i, "text": "ab", "chars": 2, "cum_chars": 2}
        for i, layer in enumerate(LAYERS)
    ],
    columns=LAYER_COLUMNS,
)
STRIP = [
    pd.DataFrame({"run": name, "t_ms": [10.0, 90.0], "text": ["a", "b"], "chars": [1, 1]})
    for name in ("llm", "lambda", "prompt")
]
WIRE = pd.DataFrame(
    {"t_ms": [12.0, 30.0], "wire_bytes": [40, 60], "body_bytes": [40, 60], "text": ["a", "b"]}
)
CHAIN = pd.DataFrame({"t_ms": [10.0, 28.0], "chunk": [0, 1], "chars": [1, 1]})
SUMMARY = pd.DataFrame(
    {
        "variant": ["plain", "gzip"],
        "headers_ms": [5.0, 6.0],
        "first_text_ms": [20.0, 300.0],
        "end_ms": [300.0, 310.0],
    }
)
AGENT = pd.DataFrame(
    [(1.0, "updates", kind, kind, "model") for kind in AGENT_KIND_COLORS],
    columns=["t_ms", "lane", "kind", "label", "node"],
)
FLAGS = pd.DataFrame(
    [(flag, "stream()", 9, 9) for flag in ("unset", "streaming=True", "streaming=False")],
    columns=["streaming=", "method", "chunks", "on_llm_new_token calls"],
)


def seed_timeline() -> go.Figure:
    captured = capture_events_sync(seed_chain(), "streaming")
    return event_timeline_figure(to_spans(captured), to_dataframe(captured))


FIGURES: dict[str, Callable[[], go.Figure]] = {
    "arrival": lambda: arrival_figure(RUNS),
    "arrival, empty": lambda: arrival_figure([]),
    "timeline": seed_timeline,
    "timeline, empty": lambda: event_timeline_figure(to_spans([])),
    "counts": lambda: count_bars_figure({"llm": 40, "llm | plain function": 1}),
    "flags": lambda: flag_chart_figure(FLAGS),
    "ticks": lambda: ticks_figure({"sync .stream()": ([], 0.5), ".astream()": ([0.02, 0.04], 0.05)}),
    "trials": lambda: trials_figure(
        to_frame([Trial(1, mode, 10.0, 100.0, 3, None) for mode in ("stream", "invoke")])
    ),
    "trials, none ok": lambda: trials_figure(to_frame([Trial(1, "stream", None, None, None, "boom")])),
    "lab box": lambda: distribution_figure(LAB_TRIALS, "total_ms", "box"),
    "lab violin": lambda: distribution_figure(LAB_TRIALS, "total_ms", "violin"),
    "lab ecdf": lambda: ecdf_figure(LAB_TRIALS),
    "lab sample arrival": lambda: sample_arrival_figure(LAB_TRIALS, LAB_CHUNKS),
    "lab timeline": lambda: timeline_figure(LAB_TRIALS),
    "lab timeline, empty": lambda: timeline_figure(LAB_TRIALS.iloc[:0]),
    "layers": lambda: layers_figure(LAYER_ROWS),
    "layers, empty": lambda: layers_figure(LAYER_ROWS.iloc[:0]),
    "chunk strip": lambda: chunk_strip_figure(
        STRIP, dict(zip(("llm", "lambda"), VERDICT_COLORS, strict=False))
    ),
    "chunk strip, empty": lambda: chunk_strip_figure([]),
    "wire timeline": lambda: wire_timeline_figure(WIRE, CHAIN, 5.0),
    "wire timeline, empty": lambda: wire_timeline_figure(WIRE.iloc[:0], CHAIN.iloc[:0]),
    "timing bars": lambda: timing_bars_figure(SUMMARY),
    "agent timeline": lambda: agent_timeline_figure(AGENT, ["updates"]),
    "agent timeline, empty": lambda: agent_timeline_figure(AGENT.iloc[:0], []),
    "empty figure": lambda: empty_figure("Nothing yet."),
}


def colours(spec: Any, key: str = "") -> Iterator[str]:
    """Every colour value set in a figure's JSON (outside its template), at any depth."""
    if isinstance(spec, dict):
        for name, value in spec.items():
            if name != "template":
                yield from colours(value, name)
    elif isinstance(spec, list | tuple):
        for value in spec:
            yield from colours(value, key)
    elif isinstance(spec, str) and key.endswith("color"):
        yield spec


def font_sizes(spec: Any, key: str = "") -> Iterator[float]:
    if isinstance(spec, dict):
        for name, value in spec.items():
            if name == "size" and "font" in key and isinstance(value, int | float):
                yield value
            elif isinstance(value, dict | list):
                yield from font_sizes(value, name)
    elif isinstance(spec, list):
        for value in spec:
            yield from font_sizes(value, key)


@pytest.mark.parametrize("build", FIGURES.values(), ids=FIGURES.keys())
def test_figure_when_built_then_it_uses_the_template_and_no_margin_of_its_own(build):
    fig = build()

    assert fig.layout.template == pio.templates[TEMPLATE_NAME]
    assert "margin" not in fig.to_plotly_json()["layout"]


@pytest.mark.parametrize("build", FIGURES.values(), ids=FIGURES.keys())
def test_figure_when_built_then_every_colour_comes_from_the_theme(build):
    spec = build().to_plotly_json()

    assert set(colours(spec)) <= theme_colors()


@pytest.mark.parametrize("build", FIGURES.values(), ids=FIGURES.keys())
def test_figure_when_built_then_no_text_is_smaller_than_the_projector_minimum(build):
    spec = build().to_plotly_json()

    assert all(size >= 13 for size in font_sizes(spec))


def test_template_when_imported_then_registered_once_with_legible_fonts_and_the_palette():
    layout = pio.templates[TEMPLATE_NAME].layout

    assert pio.templates[TEMPLATE_NAME] == TEMPLATE
    assert layout.font.size == FONT_SIZE >= 14
    assert layout.xaxis.tickfont.size >= 13 and layout.hoverlabel.font.size >= 13
    assert tuple(layout.colorway) == PALETTE
    assert layout.legend.orientation == "h"  # above the plot, never over the data


@pytest.mark.parametrize(
    "given, expected",
    [
        ("plain", "plain"),
        ("", "(empty)"),
        ("<b>model</b>\ntext", "&lt;b&gt;model&lt;/b&gt;<br>text"),
        ("x" * 100, "x" * 79 + "…"),
    ],
)
def test_hover_text_when_model_text_then_escaped_cut_and_lines_kept(given, expected):
    assert hover_text(given) == expected


CHART_SOURCES = sorted((ROOT / "components").rglob("*.py"))
COLOUR_LITERAL = re.compile(r"""["']#[0-9A-Fa-f]{3,8}["']""")


@pytest.mark.parametrize("path", CHART_SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_components_when_read_then_colours_margins_and_chart_drawing_live_in_one_place(path):
    source = path.read_text()
    relative = path.relative_to(ROOT).as_posix()

    if relative != "components/figures/theme.py":
        assert not COLOUR_LITERAL.findall(source), "colours belong in components/figures/theme.py"
        assert not re.search(r"\bmargin\s*=|[\"']margin[\"']\s*:", source), "margins: the template's"
    if relative != "components/figures/render.py":
        assert "st.plotly_chart(" not in source, "draw with components.figures.render.render_figure"
