"""Views for the FastAPI lesson: live bytes, the wire-vs-chain timeline, and the measured gotchas.

Measurements live in `streamlab.measure.wire` (UI-free); this module only runs them on a button
press, keeps results in `st.session_state` and draws them. Model text is shown with
`st.code` / dataframes only, never as HTML.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import starlette
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.code_panel import show_source
from components.figures.render import render_figure
from components.figures.wire import timing_bars_figure, wire_timeline_figure
from streamlab.demos.fastapi.server import ChatServer
from streamlab.measure import wire
from streamlab.measure.layers import EpochAnchor
from streamlab.recipes import fastapi as recipes

__all__ = [
    "live_bytes",
    "render_gotchas",
    "render_wire_result",
]

REDRAW_EVERY_S = 0.03
DEMO_PACE = {"tokens_per_s": 60}  # the simulator only: slow enough to see, and to hang up mid-answer


def live_bytes(slot: DeltaGenerator) -> Callable[[wire.WireChunk, wire.WireRecording], None]:
    """An `on_chunk` callback that shows the body received so far, redrawn on a time budget."""
    last = [0.0]

    def show(chunk: wire.WireChunk, rec: wire.WireRecording) -> None:
        now = time.perf_counter()
        if chunk.index == 0 or now - last[0] >= REDRAW_EVERY_S:
            slot.code(rec.text or "(nothing decoded yet)", language=None, wrap_lines=True)
            last[0] = now

    return show


# --- the main run --------------------------------------------------------------------------------


def _chain_numbers(run: Mapping[str, Any] | None, start_ns: int) -> dict[str, Any]:
    frame = wire.chain_frame(run, start_ns)
    text = frame[frame["chars"] > 0]
    return {
        "first": frame["t_ms"].iloc[0] if len(frame) else None,
        "first_text": text["t_ms"].iloc[0] if len(text) else None,
        "last": frame["t_ms"].iloc[-1] if len(frame) else None,
        "chunks": len(frame),
        "frame": frame,
    }


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f} ms"


def render_wire_result(
    rec: wire.WireRecording, run: Mapping[str, Any] | None, screen: ScreenTimes | None = None
) -> None:
    """Metric rows (client / chain / screen), the two-lane timeline and the table of chunks read."""
    chain = _chain_numbers(run, rec.start_ns)
    st.markdown("**On the wire** (what the client saw)")
    cols = st.columns(6)
    cols[0].metric("Headers", _ms(rec.headers_ms), help="Request sent → status line and headers read.")
    cols[1].metric("First text", _ms(rec.first_text_ms), help="First chunk with non-blank decoded text.")
    cols[2].metric("Done", _ms(rec.end_ms), help="Request sent → body complete (or broken).")
    cols[3].metric("HTTP chunks", len(rec.chunks), help="Reads that returned data: one per body send().")
    cols[4].metric("Bytes on the wire", f"{rec.wire_bytes:,}", help="Before gzip decoding.")
    cols[5].metric("Bytes decoded", f"{rec.body_bytes:,}")
    st.markdown("**In the chain** (what LangChain produced on the server, same clock)")
    cols = st.columns(6)
    cols[0].metric("First chunk", _ms(chain["first"]), help="Usually the empty role chunk.")
    cols[1].metric("First text chunk", _ms(chain["first_text"]))
    cols[2].metric("Last chunk", _ms(chain["last"]))
    cols[3].metric("Chain chunks", chain["chunks"])
    added = (
        None
        if rec.first_text_ms is None or chain["first_text"] is None
        else (rec.first_text_ms - chain["first_text"])
    )
    cols[4].metric("Added by HTTP", _ms(added), help="Client's first text − chain's first text chunk.")
    threads = ", ".join(run.get("threads", [])) if run else "—"
    cols[5].metric("Chain ran on", _where(threads), help=f"Thread name: {threads}")
    _render_screen_row(rec, screen)
    if rec.error:
        st.error(
            f"The client library raised **{rec.error}**. The body above is cut off and nothing "
            "in it says why.",
            icon="⚠️",
        )
    render_figure(
        wire_timeline_figure(wire.to_frame(rec), chain["frame"], rec.headers_ms), key="fa_timeline"
    )
    st.dataframe(wire.to_frame(rec).head(300), hide_index=True, height=240)


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
    cols[0].metric("First shown", _ms(first), help="Request sent → first body text painted here.")
    cols[1].metric("Last shown", _ms(last), help="Request sent → the last change to the body painted.")
    cols[2].metric("Added by the page", _ms(added), help="First shown − the client's first text.")
    if paint is None:
        st.caption(
            "*On your screen* arrives from your browser right after the run (it needs a "
            "real browser tab)."
        )


def _where(threads: str) -> str:
    if threads == "AnyIO worker thread":
        return "worker thread"
    return "event loop" if threads.startswith("uvicorn-") else threads


# --- the gotchas ---------------------------------------------------------------------------------


def _result(key: str) -> Any:
    return st.session_state.get(key)


def _threadpool_tab(server: ChatServer, params: dict[str, Any]) -> None:
    st.markdown(
        "The seed's `token_stream()` is a **sync** generator. Starlette's `StreamingResponse` wraps "
        "it in `iterate_in_threadpool`, so every `next()` runs in an AnyIO worker thread and the event "
        'loop stays free. The tempting "async" rewrite below keeps the sync `chain.stream()` and '
        "runs it **on** the event loop: nothing else is served until the answer is done. Measure it: a "
        "second client pings `/healthz` while each endpoint streams."
    )
    show_source(recipes.blocking_token_stream)
    if st.button("Measure", key="fa_tp_run"):
        paths = {
            "/chat (seed, sync)": "/chat",
            "/chat/async": "/chat/async",
            "/chat/blocking (anti-pattern)": "/chat/blocking",
        }
        rows = []
        for label, path in paths.items():
            report = wire.ping_while_streaming(server.base_url, path, {**params, **DEMO_PACE})
            rows.append(
                {
                    "endpoint": label,
                    "chain ran in": ", ".join(report.threads),
                    "pings answered": len(report.pings_ms),
                    "median ping ms": _r(report.median_ms),
                    "worst ping ms": _r(report.worst_ms),
                    "stream ms": _r(report.recording.end_ms),
                }
            )
        stats = wire.server_stats(server.base_url)
        st.session_state["fa_tp"] = (pd.DataFrame(rows), stats.get("threadpool_limit"))
    if (result := _result("fa_tp")) is not None:
        frame, limit = result
        st.dataframe(frame, hide_index=True)
        blocking = frame.iloc[-1]
        st.info(
            f"While `/chat/blocking` streamed, the worst `/healthz` ping took "
            f"**{blocking['worst ping ms']:,.0f} ms** of a {blocking['stream ms']:,.0f} ms stream; "
            f"with the seed's threadpool it was {frame.iloc[0]['worst ping ms']:,.0f} ms. "
            f"AnyIO lends the seed's generators at most **{limit}** worker threads at once."
        )


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _compare_tab(key: str, server: ChatServer, paths: dict[str, str], params: dict[str, Any]) -> None:
    if st.button("Measure", key=f"{key}_run"):
        st.session_state[key] = wire.summary_frame(wire.compare(server.base_url, paths, params))
    if (summary := _result(key)) is not None:
        st.dataframe(summary.drop(columns=["status"]), hide_index=True)
        render_figure(timing_bars_figure(summary), key=f"{key}_bars")


def _gzip_tab(server: ChatServer, params: dict[str, Any]) -> None:
    st.warning(
        "**Often repeated** (langserve #611, starlette PR #2753): *GZipMiddleware buffers streaming "
        f"responses.* **Actually**, the installed Starlette {starlette.__version__} compresses each "
        "chunk and flushes it (`Z_SYNC_FLUSH`), and skips `text/event-stream` entirely. What it still "
        "does: holds the **headers** until the first body chunk, and makes tiny token chunks **bigger** "
        "on the wire."
    )
    paths = {
        "/chat": "/chat",
        "/gzip/chat": "/gzip/chat",
        "/chat/sse": "/chat/sse",
        "/gzip/chat/sse": "/gzip/chat/sse",
    }
    _compare_tab("fa_gz", server, paths, {**params, **DEMO_PACE})
    if (summary := _result("fa_gz")) is not None:
        plain, gz, sse_gz = (summary.iloc[i] for i in (0, 1, 3))
        st.info(
            f"With gzip the first text came at **{gz['first_text_ms']} ms** (without: "
            f"{plain['first_text_ms']} ms) and the headers at {gz['headers_ms']} ms (without: "
            f"{plain['headers_ms']} ms). {gz['wire_bytes']:,} bytes crossed the wire for "
            f"{gz['body_bytes']:,} bytes of text. SSE through the same middleware: content-encoding "
            f"`{sse_gz['content-encoding']}`."
        )


def _proxy_tab(server: ChatServer, params: dict[str, Any]) -> None:
    st.markdown(
        "Reverse proxies such as nginx buffer responses by default: small writes wait until a buffer "
        "fills or the response ends, so a token stream arrives in one lump. The app can opt out per "
        "response with the header `X-Accel-Buffering: no`. The seed doesn't send it; `/chat/async` sets "
        "it and sse-starlette sends it by itself."
    )
    st.caption(
        "`/proxy/…` is a 30-line ASGI stand-in for such a proxy (`BufferingProxy`, 4 KiB "
        "buffer): no nginx runs inside this lab."
    )
    paths = {
        "/chat": "/chat",
        "/proxy/chat": "/proxy/chat",
        "/proxy/chat/async": "/proxy/chat/async",
        "/proxy/chat/sse": "/proxy/chat/sse",
    }
    _compare_tab("fa_px", server, paths, {**params, **DEMO_PACE})
    if (summary := _result("fa_px")) is not None:
        seed, fixed = summary.iloc[1], summary.iloc[2]
        st.info(
            f"Behind the proxy the seed's first text came at **{seed['first_text_ms']} ms**, "
            f"together with the end ({seed['end_ms']} ms), in {seed['http_chunks']} HTTP chunk(s). "
            f"With `X-Accel-Buffering: no` the first text came at **{fixed['first_text_ms']} ms**."
        )


def _disconnect_tab(server: ChatServer, params: dict[str, Any], sim_url: str | None) -> None:
    st.markdown(
        "The client hangs up after 5 chunks. Then we watch the server for one second, with Python's "
        "garbage collector paused so that only the framework can stop the chain, and finally run "
        "`gc.collect()`. **chain** counts come from a probe after the model; **model** counts are "
        "what the simulator sent (with a paid API: tokens you pay for). States: *running* (nobody "
        "stopped it), *cancelled* (`CancelledError` at its pending `await`), *closed* (`close()` / "
        "`aclose()` raised `GeneratorExit` in it)."
    )
    if st.button("Hang up mid-answer", key="fa_dc_run"):
        rows = []
        for label, path in {
            "/chat (seed, sync)": "/chat",
            "/chat/async": "/chat/async",
            "/chat/sse": "/chat/sse",
        }.items():
            r = wire.disconnect_demo(server.base_url, path, {**params, **DEMO_PACE}, sim_url=sim_url)
            rows.append(
                {
                    "endpoint": label,
                    "chunks read": r.received_chunks,
                    "chain: at hang-up": r.chain_chunks_at_disconnect,
                    "chain: +1 s": r.chain_chunks_after,
                    "state +1 s": r.outcome_after,
                    "stopped after (ms)": r.ended_after_ms,
                    "model: sent before": r.sim_chunks_before,
                    "model: sent after": r.sim_chunks_after,
                    "after gc.collect()": r.outcome_after_gc,
                }
            )
        st.session_state["fa_dc"] = pd.DataFrame(rows)
    if (frame := _result("fa_dc")) is not None:
        st.dataframe(frame, hide_index=True)
        seed, fixed = frame.iloc[0], frame.iloc[1]
        if seed["model: sent after"] is None:
            st.caption("Model-server counts need the embedded simulator (pick it in the sidebar).")
        st.info(
            f"Seed: one second after the hang-up its chain was **{seed['state +1 s']}**: nobody "
            f"pulled another chunk and nobody closed the generator, so the upstream request stayed "
            f"open (model server chunks sent meanwhile: **{seed['model: sent after']}**). Only "
            f"`gc.collect()` ended it (**{seed['after gc.collect()']}**). Async: "
            f"**{fixed['state +1 s']}** {fixed['stopped after (ms)']} ms after the hang-up "
            f"(model server chunks sent meanwhile: {fixed['model: sent after']})."
        )


def _errors_tab(server: ChatServer, params: dict[str, Any], embedded: bool) -> None:
    st.markdown(
        "The simulator breaks its stream after 5 chunks (`fault=drop_after:5`). The status line "
        "(`200 OK`) is long gone, so the only place left to report the error is the body."
    )
    if not embedded:
        st.info("Fault injection needs the embedded simulator: pick it in the sidebar.")
        return
    if st.button("Break the model mid-answer", key="fa_er_run"):
        paths = {"/chat (seed)": "/chat", "/chat/async": "/chat/async", "/chat/sse": "/chat/sse"}
        faulty = {**params, "fault": "drop_after:5"}
        st.session_state["fa_er"] = wire.compare(server.base_url, paths, faulty)
    if (recs := _result("fa_er")) is not None:
        for label, rec in recs.items():
            verdict = f"client raised {rec.error}" if rec.error else "body ended cleanly"
            st.markdown(f"`{label}`: {verdict}")
            st.code(rec.text[-300:] or "(empty)", language=None)


def render_gotchas(server: ChatServer, params: dict[str, Any], *, sim_url: str | None) -> None:
    tabs = st.tabs(
        ["Threadpool", "GZipMiddleware", "Buffering proxy", "Client disconnect", "Errors mid-stream"]
    )
    with tabs[0]:
        _threadpool_tab(server, params)
    with tabs[1]:
        _gzip_tab(server, params)
    with tabs[2]:
        _proxy_tab(server, params)
    with tabs[3]:
        _disconnect_tab(server, params, sim_url)
    with tabs[4]:
        _errors_tab(server, params, embedded=sim_url is not None)
