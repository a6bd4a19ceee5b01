"""The mistake that freezes the event loop: a sync `.stream()` inside `async def`.

A heartbeat task tries to tick every 20 ms while each side streams; the sync side gets no ticks.
The simulator is slowed down for this demo only, so each stream takes about a second.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from components.figures.loop import render_ticks
from components.run.panel import Saved
from components.views.common_mistakes.pair import (
    Side,
    SideFn,
    SideRun,
    finish_side,
    render_sources,
    run_pair,
)
from streamlab.client.async_bridge import run_sync
from streamlab.client.untrusted import without_remote_images
from streamlab.recipes import common_mistakes as m

__all__ = ["demo_sync_in_async"]

TIMING_SIM = {"ttft_ms": 150, "tokens_per_s": 80}  # the loop demo needs a stream that takes time
TICK_CARDS = ("Ticks", "Expected", "total_ms")
TICK_LABELS = ("sync .stream()", ".astream()")


def _ticking_side(answer: Callable, question: str, ok: bool) -> SideFn:
    def side(run: SideRun) -> Side:
        llm = run.llm(sim=TIMING_SIM)
        with st.spinner("Streaming while the heartbeat tries to tick…"):
            text, ticks, elapsed = run_sync(m.count_ticks(answer, llm, question))
        expected = int(elapsed / 0.02)
        summary = {"Ticks": len(ticks), "Expected": expected, "total_ms": elapsed * 1000}
        verdict = f"{len(ticks)} of ~{expected} heartbeat ticks in {elapsed * 1000:,.0f} ms."
        st.markdown(without_remote_images(text))
        return finish_side(Side(text, verdict, ok, summary, cards=TICK_CARDS, ticks=tuple(ticks)))

    return side


def _show_ticks(saved: Saved) -> None:
    if saved["pair"] is not None:
        runs = {
            label: (side.ticks, side.summary["total_ms"] / 1000)
            for label, side in zip(TICK_LABELS, saved["pair"], strict=True)
        }
        render_ticks(runs, key="mist_sync_in_async_ticks")


def demo_sync_in_async(question: str) -> None:
    st.markdown(
        "Inside `async def`, a sync `for chunk in llm.stream(...)` holds the event loop for the "
        "whole answer: no other task runs meanwhile (other requests, timers, UI updates). A "
        "heartbeat task tries to tick every 20 ms during each stream. **Notice** how many ticks "
        "it gets: the simulator is slowed down here so each stream takes about a second."
    )
    render_sources(
        [m.ticker, m.answer_blocking],
        [m.answer_async, m.count_ticks],
        (
            "A 20 ms heartbeat task runs while the answer streams.",
            "`count_ticks` runs the heartbeat next to either answer.",
        ),
    )
    run_pair(
        "sync_in_async",
        question,
        _ticking_side(m.answer_blocking, question, False),
        _ticking_side(m.answer_async, question, True),
        show=_show_ticks,
    )
