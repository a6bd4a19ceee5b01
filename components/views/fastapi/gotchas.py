"""The FastAPI page's real-world gotchas, each measured on a button press in its own tab: the
threadpool, GZipMiddleware, a buffering proxy, a client that hangs up, and errors mid-stream.

Each result is kept in `st.session_state` under the tab's key (`fa_tp`, `fa_gz`, `fa_px`, `fa_dc`,
`fa_er`; its button is `<key>_run`), so a press in one tab leaves the others on the page. A press
measures one endpoint after another (a few seconds in all): a progress bar names the one in
flight, and the table fills in as each finishes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, TypeVar

import pandas as pd
import starlette
import streamlit as st

from components.code_panel import show_source
from components.figures.render import render_figure
from components.figures.wire import timing_bars_figure
from components.run.live_output import render_run_error
from streamlab.demos.fastapi.client import server_stats
from streamlab.demos.fastapi.gotchas import disconnect_demo, ping_while_streaming
from streamlab.demos.fastapi.server import ChatServer
from streamlab.measure import wire
from streamlab.recipes import fastapi as recipes

__all__ = ["render_gotchas"]

DEMO_PACE = {"tokens_per_s": 60}  # the simulator only: slow enough to see, and to hang up mid-answer
SEED_AND_FIXES = {"/chat (seed, sync)": "/chat", "/chat/async": "/chat/async", "/chat/sse": "/chat/sse"}


T = TypeVar("T")


def _measured(
    key: str,
    steps: Mapping[str, Callable[[], T]],
    *,
    so_far: Callable[[dict[str, T]], None],
    finish: Callable[[dict[str, T]], Any],
    label: str = "Measure",
) -> Any:
    """The tab's button (`<key>_run`): on a press run each step (one endpoint) in turn, with a
    progress bar naming it and `so_far` drawing the results already in; keep `finish(results)`.
    Returns what is kept, or None. A step that fails leaves the results so far and says why."""
    if not st.button(label, key=f"{key}_run"):
        return st.session_state.get(key)
    results: dict[str, T] = {}
    bar, partial_slot = st.progress(0.0), st.empty()
    for done, (name, step) in enumerate(steps.items()):
        bar.progress(done / len(steps), text=f"Measuring `{name}` ({done + 1} of {len(steps)})…")
        try:
            results[name] = step()
        except Exception as exc:  # keep the endpoints measured so far and explain
            bar.empty()
            render_run_error(exc, partial=bool(results))
            st.session_state.pop(key, None)
            return None
        with partial_slot.container():
            so_far(results)
    bar.empty()
    partial_slot.empty()
    st.session_state[key] = finish(results)
    return st.session_state[key]


def _one_request(base_url: str, path: str, params: dict[str, Any]) -> wire.WireRecording:
    return wire.record(base_url + path, params=params)


def _frame(rows: Mapping[str, dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(list(rows.values()))


def _show_frame(rows: Mapping[str, dict[str, Any]]) -> None:
    st.dataframe(_frame(rows), hide_index=True)


def _show_summary(recordings: Mapping[str, wire.WireRecording]) -> None:
    st.dataframe(wire.summary_frame(recordings).drop(columns=["status"]), hide_index=True)


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _ping_row(label: str, base_url: str, path: str, params: dict[str, Any]) -> dict[str, Any]:
    report = ping_while_streaming(base_url, path, {**params, **DEMO_PACE})
    return {
        "endpoint": label,
        "chain ran in": ", ".join(report.threads),
        "pings answered": len(report.pings_ms),
        "median ping ms": _r(report.median_ms),
        "worst ping ms": _r(report.worst_ms),
        "stream ms": _r(report.recording.end_ms),
    }


def _ping_steps(server: ChatServer, params: dict[str, Any]) -> dict[str, Callable[[], dict[str, Any]]]:
    # The blocking demo has a server (and an event loop) of its own: pinging it shows its loop.
    paths = {
        "/chat (seed, sync)": (server.base_url, "/chat"),
        "/chat/async": (server.base_url, "/chat/async"),
        "/chat/blocking (anti-pattern)": (server.blocking_url, "/chat/blocking"),
    }
    return {label: partial(_ping_row, label, url, path, params) for label, (url, path) in paths.items()}


def _threadpool_tab(server: ChatServer, params: dict[str, Any]) -> None:
    st.markdown(
        "The seed's `token_stream()` is a **sync** generator. Starlette's `StreamingResponse` wraps "
        "it in `iterate_in_threadpool`, so every `next()` runs in an AnyIO worker thread and the event "
        'loop stays free. The tempting "async" rewrite below keeps the sync `chain.stream()` and '
        "runs it **on** the event loop: nothing else is served until the answer is done. Measure it: a "
        "second client pings `/healthz` while each endpoint streams. (Here `/chat/blocking` runs on "
        "a small server of its own, so it stalls only its own loop, not this lesson for everyone.)"
    )
    show_source(recipes.blocking_token_stream)

    def finish(rows: dict[str, dict[str, Any]]) -> tuple[pd.DataFrame, int | None]:
        return _frame(rows), server_stats(server.base_url).get("threadpool_limit")

    steps = _ping_steps(server, params)
    if (result := _measured("fa_tp", steps, so_far=_show_frame, finish=finish)) is not None:
        frame, limit = result
        st.dataframe(frame, hide_index=True)
        blocking = frame.iloc[-1]
        st.info(
            f"While `/chat/blocking` streamed, the worst `/healthz` ping took "
            f"**{blocking['worst ping ms']:,.0f} ms** of a {blocking['stream ms']:,.0f} ms stream; "
            f"with the seed's threadpool it was {frame.iloc[0]['worst ping ms']:,.0f} ms. "
            f"AnyIO lends the seed's generators at most **{limit}** worker threads at once."
        )


def _compared(key: str, server: ChatServer, paths: dict[str, str], params: dict[str, Any]) -> Any:
    """The same request to each path, one after the other: a summary table and milestone bars."""

    steps = {
        label: partial(_one_request, server.base_url, path, params) for label, path in paths.items()
    }
    if (summary := _measured(key, steps, so_far=_show_summary, finish=wire.summary_frame)) is not None:
        st.dataframe(summary.drop(columns=["status"]), hide_index=True)
        render_figure(timing_bars_figure(summary), key=f"{key}_bars")
    return summary


def _gzip_tab(server: ChatServer, params: dict[str, Any]) -> None:
    st.warning(
        "**Often repeated** (langserve #611, starlette PR #2753): *GZipMiddleware buffers streaming "
        f"responses.* **Actually**, the installed Starlette {starlette.__version__} compresses each "
        "chunk and flushes it (`Z_SYNC_FLUSH`), and skips `text/event-stream` entirely. What it still "
        "does: holds the **headers** until the first body chunk, and makes tiny token chunks **bigger** "
        "on the wire."
    )
    paths = {p: p for p in ("/chat", "/gzip/chat", "/chat/sse", "/gzip/chat/sse")}
    if (summary := _compared("fa_gz", server, paths, {**params, **DEMO_PACE})) is not None:
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
    paths = {p: p for p in ("/chat", "/proxy/chat", "/proxy/chat/async", "/proxy/chat/sse")}
    if (summary := _compared("fa_px", server, paths, {**params, **DEMO_PACE})) is not None:
        seed, fixed = summary.iloc[1], summary.iloc[2]
        st.info(
            f"Behind the proxy the seed's first text came at **{seed['first_text_ms']} ms**, "
            f"together with the end ({seed['end_ms']} ms), in {seed['http_chunks']} HTTP chunk(s). "
            f"With `X-Accel-Buffering: no` the first text came at **{fixed['first_text_ms']} ms**."
        )


def _hangup_row(
    label: str, server: ChatServer, path: str, params: dict[str, Any], sim_url: str | None
) -> dict[str, Any]:
    r = disconnect_demo(server.base_url, path, {**params, **DEMO_PACE}, sim_url=sim_url)
    return {
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


def _disconnect_tab(server: ChatServer, params: dict[str, Any], sim_url: str | None) -> None:
    st.markdown(
        "The client hangs up after 5 chunks. Then we watch the server for one second, with Python's "
        "garbage collector paused so that only the framework can stop the chain, and finally run "
        "`gc.collect()`. **chain** counts come from a probe after the model; **model** counts are "
        "what the simulator sent (with a paid API: tokens you pay for). States: *running* (nobody "
        "stopped it), *cancelled* (`CancelledError` at its pending `await`), *closed* (`close()` / "
        "`aclose()` raised `GeneratorExit` in it)."
    )
    steps = {
        label: partial(_hangup_row, label, server, path, params, sim_url)
        for label, path in SEED_AND_FIXES.items()
    }
    measured = _measured("fa_dc", steps, so_far=_show_frame, finish=_frame, label="Hang up mid-answer")
    if (frame := measured) is not None:
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
    paths = {"/chat (seed)": "/chat", "/chat/async": "/chat/async", "/chat/sse": "/chat/sse"}
    faulty = {**params, "fault": "drop_after:5"}
    steps = {
        label: partial(_one_request, server.base_url, path, faulty) for label, path in paths.items()
    }
    kept = _measured(
        "fa_er", steps, so_far=_show_bodies, finish=dict, label="Break the model mid-answer"
    )
    if kept is not None:
        _show_bodies(kept)


def _show_bodies(recordings: Mapping[str, wire.WireRecording]) -> None:
    for label, rec in recordings.items():
        verdict = f"client raised {rec.error}" if rec.error else "body ended cleanly"
        st.markdown(f"`{label}`: {verdict}")
        st.code(rec.text[-300:] or "(empty)", language=None)


def render_gotchas(server: ChatServer, params: dict[str, Any], *, sim_url: str | None) -> None:
    """The five gotcha tabs; `params` carry the question and the session's `cfg` token."""
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
