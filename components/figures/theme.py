"""The one look for every chart: a plotly template plus named colours for the app's meanings.

Legible on a projector at 1280×720 (14 px text), colour-blind safe (the Okabe–Ito palette), and
each meaning keeps its colour on every page: streamed text is blue and an answer that arrived at
once is vermillion, whether the chart compares modes, flags or verdicts. Charts also name things
in a legend or label, so colour is never the only cue. Builders start from `new_figure()`.
"""

from __future__ import annotations

import html
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

from streamlab.measure.layers import BROWSER, LANGCHAIN, SERVER

__all__ = [
    "AT_ONCE",
    "FAILED",
    "FLAG_COLORS",
    "FONT_SIZE",
    "INK",
    "LAYER_COLORS",
    "MILESTONE_COLORS",
    "MODE_COLORS",
    "NEUTRAL",
    "PALETTE",
    "PARTIAL",
    "PRESENTER_FONT_SIZE",
    "PRESENTER_TEMPLATE",
    "RUN_TYPE_COLORS",
    "STATUS_COLORS",
    "STATUS_PATTERNS",
    "STREAMED",
    "TEMPLATE",
    "TEMPLATE_NAME",
    "VERDICT_COLORS",
    "contrast_ratio",
    "empty_figure",
    "for_presenter",
    "hover_text",
    "label_color",
    "new_figure",
    "theme_colors",
]

# Okabe & Ito (2008), "Color Universal Design": told apart with any common colour-vision deficiency.
BLUE, VERMILLION, GREEN, ORANGE = "#0072B2", "#D55E00", "#009E73", "#E69F00"
PURPLE, SKY, YELLOW, BLACK = "#CC79A7", "#56B4E9", "#F0E442", "#000000"
INK = "#1F2933"  # the app's text colour (.streamlit/config.toml)
NEUTRAL = "#7B8794"  # references, "not set", "stopped", anything without a meaning of its own
GRID = "#E4E7EB"

# Lines and boxes without a meaning of their own take these in order. Streamed text comes first
# on every page, so a first line is blue and a second (usually invoke) vermillion, as below.
PALETTE = (BLUE, VERMILLION, GREEN, ORANGE, PURPLE, SKY, YELLOW)

STREAMED, AT_ONCE, PARTIAL = BLUE, VERMILLION, ORANGE
MODE_COLORS = {"stream": STREAMED, "invoke": AT_ONCE}
VERDICT_COLORS = {"streams": STREAMED, "partial": PARTIAL, "doesn't": AT_ONCE}
FLAG_COLORS = {
    "streaming=True": STREAMED,
    "streaming=False": AT_ONCE,
    "disable_streaming=True": AT_ONCE,  # the same outcome as streaming=False: one message at the end
    "unset": NEUTRAL,
}
# A request's milestones: streaming brings the first text forward; invoke shows only the end.
MILESTONE_COLORS = {"headers": NEUTRAL, "first text": STREAMED, "done": AT_ONCE}
# Sent by server → received by LangChain (the client) → shown in browser.
LAYER_COLORS = {SERVER: GREEN, LANGCHAIN: PURPLE, BROWSER: ORANGE}
# An ok trial keeps its configuration's colour; the others also get a fill pattern.
FAILED = BLACK
STATUS_COLORS: dict[str, str | None] = {"ok": None, "failed": FAILED, "stopped": NEUTRAL}
STATUS_PATTERNS = {"ok": "", "failed": "x", "stopped": "/"}
# A chat model is the same blue on every page and in every run; chat models and LLMs both stream.
RUN_TYPE_COLORS = {
    "chain": SKY,
    "lambda": PURPLE,
    "prompt": ORANGE,
    "chat_model": BLUE,
    "llm": BLUE,
    "parser": GREEN,
    "retriever": VERMILLION,
    "tool": YELLOW,
}

FONT_FAMILY = '"Source Sans", "Source Sans Pro", "Source Sans 3", sans-serif'  # Streamlit's own
FONT_SIZE = 14
_AXIS = {
    "automargin": True,  # grow the margin to fit tick labels (long run names, 4-digit counts)
    "gridcolor": GRID,
    "linecolor": NEUTRAL,
    "zerolinecolor": GRID,
    "tickfont": {"size": FONT_SIZE - 1},
    "title": {"font": {"size": FONT_SIZE}, "standoff": 8},
}

TEMPLATE_NAME = "streamlab"
TEMPLATE = go.layout.Template(
    layout={
        "colorway": list(PALETTE),
        "font": {"family": FONT_FAMILY, "size": FONT_SIZE, "color": INK},
        "title": {"font": {"size": FONT_SIZE + 2}, "x": 0, "xanchor": "left"},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "margin": {"l": 10, "r": 10, "t": 40, "b": 10, "autoexpand": True},
        "xaxis": _AXIS,
        "yaxis": _AXIS,
        # Above the plot, left-aligned: never covers data, and reads before the chart does.
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"},
        "hovermode": "closest",
        "hoverlabel": {"font": {"family": FONT_FAMILY, "size": FONT_SIZE}, "align": "left"},
        "annotationdefaults": {"font": {"size": FONT_SIZE - 1}},
    }
)
pio.templates[TEMPLATE_NAME] = TEMPLATE  # registered once, when the first chart module imports this

# Presenter mode (components/presenter.py) sets body text at 20 px: chart text follows, at the
# same steps around it as the normal template's (ticks and annotations one smaller, titles two up).
PRESENTER_FONT_SIZE = 20
PRESENTER_TEMPLATE = go.layout.Template(TEMPLATE)
PRESENTER_TEMPLATE.layout.update(
    font={"size": PRESENTER_FONT_SIZE},
    title={"font": {"size": PRESENTER_FONT_SIZE + 2}},
    xaxis={
        "tickfont": {"size": PRESENTER_FONT_SIZE - 1},
        "title": {"font": {"size": PRESENTER_FONT_SIZE}},
    },
    yaxis={
        "tickfont": {"size": PRESENTER_FONT_SIZE - 1},
        "title": {"font": {"size": PRESENTER_FONT_SIZE}},
    },
    hoverlabel={"font": {"size": PRESENTER_FONT_SIZE}},
    annotationdefaults={"font": {"size": PRESENTER_FONT_SIZE - 1}},
)


def for_presenter(fig: go.Figure) -> go.Figure:
    """A copy of `fig` drawn with the presenter template (larger text, same colours and layout)."""
    copy = go.Figure(fig)
    copy.update_layout(template=PRESENTER_TEMPLATE)
    return copy


_HOVER_CHARS = 80


def new_figure(*traces: go.BaseTraceType | dict[str, Any], **layout: Any) -> go.Figure:
    """An empty (or `traces`-filled) figure drawn with the app's template, with `layout` set.

    Charts drawn after every run build their whole figure in this one call: plotly validates and
    copies the figure on each `add_trace`/`add_vline`/`update_layout`, so building it piece by
    piece cost ~4x the CPU (arrival chart: 9 vs 2.5 ms), which a room of learners pays per run."""
    return go.Figure(data=list(traces), layout={"template": TEMPLATE, **layout})


def empty_figure(message: str) -> go.Figure:
    """A blank figure that says why it is blank (instead of an empty plot or an exception)."""
    fig = new_figure()
    fig.add_annotation(
        text=message, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5, font={"size": FONT_SIZE}
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def hover_text(text: str, limit: int = _HOVER_CHARS) -> str:
    """Model text cut to `limit` characters for a hover label, which is HTML: escaped, lines kept."""
    short = text if len(text) <= limit else text[: limit - 1] + "…"
    return html.escape(short).replace("\n", "<br>") or "(empty)"


TEXT_CONTRAST = 4.5  # WCAG 2 AA for text under 18 pt: chart labels are 13–16 px


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two `#rrggbb` colours, from 1 (same) to 21 (black on white)."""

    def luminance(color: str) -> float:
        channels = [int(color.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def label_color(color: str) -> str:
    """`color` for text on the white plot: itself if it reads at 4.5:1, else darkened until it does.

    Lines and markers need 3:1 and keep the palette's colours; a label in the same hue (a TTFT
    label next to its line) takes this darker shade, still recognisably the same colour.
    """
    channels = [int(color.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    shade = color.upper()
    for _ in range(40):
        if contrast_ratio(shade, "#FFFFFF") >= TEXT_CONTRAST:
            break
        channels = [round(c * 0.95) for c in channels]
        shade = "#{:02X}{:02X}{:02X}".format(*channels)
    return shade


def theme_colors() -> frozenset[str]:
    """Every colour a chart may use: the palette, the named meanings and the neutral tones."""
    named = [
        *MODE_COLORS.values(),
        *VERDICT_COLORS.values(),
        *FLAG_COLORS.values(),
        *MILESTONE_COLORS.values(),
        *LAYER_COLORS.values(),
        *RUN_TYPE_COLORS.values(),
        *(c for c in STATUS_COLORS.values() if c),
    ]
    base = [*PALETTE, *named, INK, NEUTRAL]
    return frozenset([*base, *(label_color(c) for c in base)])
