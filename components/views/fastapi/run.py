"""The FastAPI page's Run: the response body live as the client reads it, then the same request on
one clock in three rows (on the wire, in the chain, on your screen), a timeline and the chunks.

Model text is shown with `st.code` / dataframes only, never as HTML.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.figures.render import render_figure
from components.figures.wire import wire_timeline_figure
from components.run.panel import RunContext, Saved
from components.run.probe import PaintProbe
from components.views.fastapi.request import ChatRequest
from components.words import ms
from streamlab.demos.fastapi.client import chain_frame, fetch_run
from streamlab.measure import wire
from streamlab.measure.layers import EpochAnchor

__all__ = [
    "BODY_KEY",
    "BODY_LANE",
    "ScreenTimes",
    "live_bytes",
    "render_wire_result",
    "replay_body",
    "run_request",
    "show_result",
]

BODY_LANE, BODY_KEY = "body", "fa_body"  # the paint probe watches the body's container
REDRAW_EVERY_S = 0.03


def live_bytes(slot: DeltaGenerator) -> Callable[[wire.WireChunk, wire.WireRecording], None]:
    """An `on_chunk` callback that shows the body received so far, redrawn on a time budget."""
    last = [0.0]

    def show(chunk: wire.WireChunk, rec: wire.WireRecording) -> None:
        now = time.perf_counter()
        if chunk.index == 0 or now - last[0] >= REDRAW_EVERY_S:
            slot.code(rec.text or "(nothing decoded yet)", language=None, wrap_lines=True)
            last[0] = now

    return show


def _draw_body(slot: DeltaGenerator, rec: wire.WireRecording) -> None:
    slot.code(rec.text or "(empty body)", language=None, wrap_lines=True)


def run_request(ctx: RunContext, request: ChatRequest) -> Saved:
    """Send the request, drawing the body as it is read; keep it with the chain's probe."""
    lane = ctx.lanes[BODY_LANE]  # its anchor maps this clock to the browser's; its id names the run
    body = st.container(key=BODY_KEY).empty()
    recording = wire.record(request.url, params=request.params, on_chunk=live_bytes(body))
    _draw_body(body, recording)
    run = fetch_run(request.base_url, recording.run_id)
    return {"recording": recording, "run": run, "paint_id": lane.trace_id, "anchor": lane.anchor}


def replay_body(saved: Saved) -> None:
    _draw_body(st.container(key=BODY_KEY).empty(), saved["recording"])


def show_result(saved: Saved, probe: PaintProbe) -> None:
    paint = probe.results(saved["paint_id"]).get(BODY_LANE)
    render_wire_result(saved["recording"], saved["run"], ScreenTimes(saved["anchor"], paint))


def _chain_numbers(run: Mapping[str, Any] | None, start_ns: int) -> dict[str, Any]:
    frame = chain_frame(run, start_ns)
    text = frame[frame["chars"] > 0]
    return {
        "first": frame["t_ms"].iloc[0] if len(frame) else None,
        "first_text": text["t_ms"].iloc[0] if len(text) else None,
        "last": frame["t_ms"].iloc[-1] if len(frame) else None,
        "chunks": len(frame),
        "frame": frame,
    }


def render_wire_result(
    rec: wire.WireRecording, run: Mapping[str, Any] | None, screen: ScreenTimes | None = None
) -> None:
    """Metric rows (client / chain / screen), the two-lane timeline and the table of chunks read."""
    chain = _chain_numbers(run, rec.start_ns)
    st.markdown("**On the wire** (what the client saw)")
    cols = st.columns(6)
    cols[0].metric("Headers", ms(rec.headers_ms), help="Request sent → status line and headers read.")
    cols[1].metric("First text", ms(rec.first_text_ms), help="First chunk with non-blank decoded text.")
    cols[2].metric("Done", ms(rec.end_ms), help="Request sent → body complete (or broken).")
    cols[3].metric("HTTP chunks", len(rec.chunks), help="Reads that returned data: one per body send().")
    cols[4].metric("Bytes on the wire", f"{rec.wire_bytes:,}", help="Before gzip decoding.")
    cols[5].metric("Bytes decoded", f"{rec.body_bytes:,}")
    st.markdown("**In the chain** (what LangChain produced on the server, same clock)")
    cols = st.columns(6)
    cols[0].metric("First chunk", ms(chain["first"]), help="Usually the empty role chunk.")
    cols[1].metric("First text chunk", ms(chain["first_text"]))
    cols[2].metric("Last chunk", ms(chain["last"]))
    cols[3].metric("Chain chunks", chain["chunks"])
    added = (
        None
        if rec.first_text_ms is None or chain["first_text"] is None
        else (rec.first_text_ms - chain["first_text"])
    )
    cols[4].metric("Added by HTTP", ms(added), help="Client's first text − chain's first text chunk.")
    threads = ", ".join(run.get("threads", [])) if run else "—"
    cols[5].metric("Chain ran on", _where(threads), help=f"Thread name: {threads}")
    _render_screen_row(rec, screen)
    if rec.error:
        st.error(
            f"The client library raised **{rec.error}**. The body above is cut off and nothing "
            "in it says why.",
            icon=":material/warning:",
        )
    frame = wire.to_frame(rec)
    render_figure(wire_timeline_figure(frame, chain["frame"], rec.headers_ms), key="fa_timeline")
    st.dataframe(frame.head(300), hide_index=True, height=240)


@dataclass(frozen=True, slots=True)
class ScreenTimes:
    """When this page painted the body, from the paint probe (epoch ms), and the clock to map it."""

    anchor: EpochAnchor  # read right before the request: maps the client's clock to the epoch
    paint: Mapping[str, Any] | None  # PaintProbe's report; None until the browser sent it

    def ms(self, epoch_ms: float | None, start_ns: int) -> float | None:
        """Epoch ms → ms since the request was sent (the client's clock)."""
        if epoch_ms is None:
            return None
        return epoch_ms - self.anchor.to_epoch_ns(start_ns) / 1_000_000


def _render_screen_row(rec: wire.WireRecording, screen: ScreenTimes | None) -> None:
    st.markdown("**On your screen** (when this page painted the body, same clock)")
    paint = screen.paint if screen else None
    first = screen.ms(paint.get("first_paint_ms"), rec.start_ns) if screen and paint else None
    last = screen.ms(paint.get("last_paint_ms"), rec.start_ns) if screen and paint else None
    added = None if first is None or rec.first_text_ms is None else first - rec.first_text_ms
    cols = st.columns(6)
    cols[0].metric("First shown", ms(first), help="Request sent → first body text painted here.")
    cols[1].metric("Last shown", ms(last), help="Request sent → the last change to the body painted.")
    cols[2].metric("Added by the page", ms(added), help="First shown − the client's first text.")
    if paint is None:
        st.caption(
            "*On your screen* arrives from your browser right after the run (it needs a "
            "real browser tab)."
        )


def _where(threads: str) -> str:
    if threads == "AnyIO worker thread":
        return "worker thread"
    return "event loop" if threads.startswith("uvicorn-") else threads
