"""The seed's architecture diagram (Input → Runnable → Token Stream → UI), drawn live from a run.

`flow_figure` is pure (a `FlowFrame` in, a plotly figure out). `render_flow_run` drives one run:
it redraws the diagram and the text in two placeholders as chunks arrive, on a small time
budget so drawing never slows the stream down, and keeps partial text if the run fails.
"""

from __future__ import annotations

import html
import textwrap
import time
from collections.abc import Iterable

import plotly.graph_objects as go
import streamlit as st

from components.live_output import LiveText, render_run_error
from streamlab.flow import STAGE_TITLES, STAGES, FlowFrame, FlowTracker

__all__ = ["flow_figure", "render_flow_run"]

REDRAW_EVERY_S = 0.08
_ACTIVE = ("#FDE2E1", "#E45756")  # (fill, border)
_DONE = ("#E3F1E0", "#54A24B")
_IDLE = ("#F2F2F2", "#BAB0AC")
_TEXT = "#31333F"
_BOX_W, _BOX_Y = 0.8, (0.08, 0.8)


def _wrap(text: str, width: int = 14) -> str:
    """Escaped (annotation text is HTML, model text must not be) and broken into short lines."""
    lines = textwrap.wrap(text, width, break_long_words=True, max_lines=3, placeholder="…")
    return "<br>".join(html.escape(line) for line in lines)


def _colors(frame: FlowFrame, stage: str) -> tuple[str, str]:
    if stage in frame.active:
        return _ACTIVE
    return _DONE if stage in frame.done else _IDLE


def flow_figure(frame: FlowFrame) -> go.Figure:
    """Four boxes with arrows; busy boxes red, finished ones green, the travelling chunk on top."""
    fig = go.Figure()
    for i, stage in enumerate(STAGES):
        fill, line = _colors(frame, stage)
        x0 = i + (1 - _BOX_W) / 2
        fig.add_shape(type="rect", x0=x0, x1=x0 + _BOX_W, y0=_BOX_Y[0], y1=_BOX_Y[1],
                      fillcolor=fill, line={"color": line, "width": 3 if stage in frame.active else 1.5})
        fig.add_annotation(x=i + 0.5, y=0.62, text=f"<b>{STAGE_TITLES[stage]}</b>", showarrow=False,
                           font={"size": 13, "color": _TEXT})
        fig.add_annotation(x=i + 0.5, y=0.32, text=_wrap(frame.details.get(stage, "")), showarrow=False,
                           font={"size": 11, "color": _TEXT})
        if i:
            arrow_color = line if stage in frame.active or stage in frame.done else _IDLE[1]
            fig.add_annotation(x=i + (1 - _BOX_W) / 2, y=0.45, ax=i - (1 - _BOX_W) / 2, ay=0.45,
                               xref="x", yref="y", axref="x", ayref="y", showarrow=True,
                               arrowhead=3, arrowwidth=2.5, arrowcolor=arrow_color, text="")
    if frame.packet:
        fig.add_annotation(x=3.0, y=0.93, text=f"→ {html.escape(frame.packet)} →", showarrow=False,
                           font={"size": 13, "color": _ACTIVE[1]}, bgcolor="#FFFFFF")
    fig.update_xaxes(visible=False, range=[0, len(STAGES)], fixedrange=True)
    fig.update_yaxes(visible=False, range=[0, 1.05], fixedrange=True)
    fig.update_layout(height=200, margin={"l": 0, "r": 0, "t": 0, "b": 0}, showlegend=False,
                      plot_bgcolor="rgba(0,0,0,0)")
    return fig


def _draw(slot, frame: FlowFrame, key: str) -> None:
    # Each redraw is a new element: a per-frame key keeps Streamlit's element ids unique.
    slot.plotly_chart(flow_figure(frame), key=f"{key}_{frame.step}", config={"displayModeBar": False})


def render_flow_run(chunks: Iterable[object], tracker: FlowTracker, *, key: str) -> LiveText:
    """Consume `chunks`, animating the diagram and the text; errors keep the partial text."""
    diagram, text_slot = st.empty(), st.empty()
    _draw(diagram, tracker.sent(), key)
    text_slot.caption("Waiting for the answer…")
    result, last_draw, shown = LiveText(), 0.0, 0
    try:
        for chunk in chunks:
            frame = tracker.arrived(chunk)
            now = time.perf_counter()
            # The first text is drawn at once (it IS the perceived latency); later ones on a budget.
            if (tracker.content_chunks and not shown) or now - last_draw >= REDRAW_EVERY_S:
                _draw(diagram, frame, key)
                text_slot.markdown(tracker.text)
                last_draw, shown = now, tracker.content_chunks
    except Exception as exc:  # shown below the partial text instead of a traceback
        result.error = exc
    result.text = tracker.text
    _draw(diagram, tracker.finished(), key)
    if tracker.text:
        text_slot.markdown(tracker.text)
    else:
        text_slot.caption("(the run produced no text)")
    if result.error is not None:
        render_run_error(result.error, partial=bool(result.text))
    return result
