"""A mistake and its fix side by side: the layout every "Common mistakes" demo shares.

`run_pair` is one demo's Run (a `TimedRun` keyed `mist_<name>`): it runs the two sides in keyed
columns, keeps them, and redraws them on later reruns; a demo about *when text arrives* also
times both sides in three layers (one lane each). A side is a function that draws its live
output and returns what it produced, a `Side`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st
from langchain_openai import ChatOpenAI

from components.code_panel import source_of
from components.figures.arrival import render_arrival
from components.run.live_output import render_run_error, render_text_stream
from components.run.metric_cards import render_metric_cards
from components.run.panel import RunContext, Saved, TimedRun
from streamlab.client.providers import ProviderConfig
from streamlab.client.untrusted import without_remote_images
from streamlab.measure.recorder import StreamRecorder
from streamlab.recipes import common_mistakes as m

__all__ = [
    "MAX_TOKENS",
    "Side",
    "SideFn",
    "SideRun",
    "chunks_verdict",
    "finish_side",
    "recorded",
    "render_pair_arrival",
    "render_sources",
    "run_pair",
    "stream_side",
]

LESSON = "common_mistakes"
MAX_TOKENS = 60  # every demo answers briefly: seven of them share one page
STREAM_CARDS = ("ttft_ms", "total_ms", "chunks")
PLACES = ("mistake", "fix")  # the two columns, in this order; also the lanes' names
LANE_TITLES = {"mistake": ":material/close: mistake", "fix": ":material/check: fix"}
SOURCE_TITLES = (":material/close: Mistake", ":material/check: Fix")
ICONS = {False: ":material/close:", True: ":material/check:"}


@dataclass(frozen=True, slots=True)
class Side:
    """What one recipe produced: redrawn as is on later reruns."""

    text: str  # what the learner saw (a repr, an error text or the answer)
    verdict: str  # one sentence: the concrete outcome
    ok: bool  # the fix's outcome (drawn as a success) rather than the mistake's (an error)
    summary: dict[str, Any] = field(default_factory=dict)  # metric values for the cards
    cards: tuple[str, ...] = STREAM_CARDS
    frame: pd.DataFrame | None = None  # recorder rows, for the arrival chart
    ticks: tuple[float, ...] = ()  # heartbeat tick times (s), for the event-loop chart
    code: bool = False  # show `text` as code (a repr, an error) rather than Markdown
    key: str | None = None  # the container the text was streamed into (a lane's), for redraws


@dataclass(frozen=True, slots=True)
class SideRun:
    """What one side's run gets: the sidebar's provider and, in a timed demo, its own lane."""

    ctx: RunContext
    lane: str | None = None  # "mistake" / "fix" when both sides are timed in three layers
    key: str | None = None  # the container of this side's text only (what the browser watches)

    @property
    def config(self) -> ProviderConfig:
        return self.ctx.config

    def llm(
        self,
        build: Callable[..., ChatOpenAI] = m.build_llm_without_flag,
        sim: Mapping[str, Any] | None = None,
    ) -> ChatOpenAI:
        """A short-answer model from `build` (a recipe), sending this lane's trace id if timed."""
        body = {**(sim or {}), **(self.ctx.lanes[self.lane].sim if self.lane else {})}
        return build(self.config, max_tokens=MAX_TOKENS, sim=body or None)

    def finish(self, recorder: StreamRecorder) -> None:
        if self.lane is not None:
            self.ctx.finish(self.lane, recorder)


SideFn = Callable[[SideRun], Side]


def render_sources(
    wrong: Iterable[Callable[..., object]],
    right: Iterable[Callable[..., object]],
    notes: tuple[str, str],
) -> None:
    """Both recipes' source, the mistake left and the fix right, each with a one-line note."""
    for column, title, fns, note in zip(
        st.columns(2), SOURCE_TITLES, (wrong, right), notes, strict=True
    ):
        with column:
            st.markdown(f"**{title}**")
            # Wrapped, so half-width columns show whole lines; same source as show_source.
            st.code(source_of(*fns), language="python", wrap_lines=True)
            st.caption(note)


def finish_side(side: Side) -> Side:
    """Draw a side's cards and verdict under its output; returns it, to be kept."""
    if side.summary:
        render_metric_cards(side.summary, columns=side.cards)
    (st.success if side.ok else st.error)(side.verdict, icon=ICONS[side.ok])
    return side


def _redraw(side: Side) -> None:
    if side.code:
        tall = side.text.count("\n") > 12
        st.code(side.text, language=None, height=320 if tall else "content", wrap_lines=True)
    else:
        with st.container(key=side.key):
            st.markdown(without_remote_images(side.text) or "*(no text)*")
    finish_side(side)


class _ErrorShown(Exception):
    """A run failed and its error is already on the page (under the partial output)."""


def recorded(
    label: str, chunks: Callable[[], Iterable[object]], side: SideRun | None = None
) -> tuple[str, StreamRecorder]:
    """Stream `chunks` into the page (into the side's lane container if timed), recorded."""
    recorder = StreamRecorder(label=label)
    key = side.key if side else None
    live = render_text_stream(recorder.wrap(chunks), key=key)  # shows errors
    if side is not None:
        side.finish(recorder)
    if live.error is not None:
        raise _ErrorShown from live.error
    return live.text, recorder


def _guarded(run: Callable[[], Side]) -> Side | None:
    """Run one side; on failure explain the error (once) and return None: nothing is kept."""
    try:
        return run()
    except _ErrorShown:
        return None
    except Exception as exc:
        render_run_error(exc, partial=False)
        return None


Verdict = Callable[[Mapping[str, Any]], str]


def stream_side(
    label: str, chunks: Callable[[], Iterable[object]], verdict: Verdict, ok: bool, side: SideRun
) -> Side:
    """A side that streams text: drawn live, then its cards and verdict from the recorder."""
    text, recorder = recorded(label, chunks, side)
    summary = dict(recorder.summary())
    frame = recorder.to_dataframe()
    return finish_side(Side(text, verdict(summary), ok, summary, frame=frame, key=side.key))


def chunks_verdict(summary: Mapping[str, Any]) -> str:
    chunks, ttft = summary["content_chunks"], summary["ttft_ms"]
    if ttft is None:
        return "No text arrived."
    if chunks == 1:
        return f"1 chunk: the whole text at once, after {ttft:,.0f} ms."
    return f"{chunks} chunks with text, the first after {ttft:,.0f} ms."


def run_pair(
    name: str,
    question: str,
    wrong: SideFn,
    right: SideFn,
    *,
    layers_notice: str | None = None,
    extra: Callable[[RunContext], Saved] | None = None,
    show: Callable[[Saved], None] | None = None,
) -> None:
    """The demo's Run (`mist_<name>_run`), then both sides: live when just pressed, else as kept.

    With `layers_notice` each side is a lane timed in three layers (tables `mist_<name>_layers_0/1`,
    introduced by the notice). `extra` runs after both sides succeeded and adds to what is kept;
    `show` draws under the pair, on the run and on every redraw. The run keeps `pair`: both
    sides, or None if one failed (its error is explained; nothing is redrawn later).
    """
    keys = {place: f"mist_{name}_{place}_text" for place in PLACES} if layers_notice else {}

    def run(ctx: RunContext) -> Saved:
        done = []
        for column, place, side in zip(st.columns(2), PLACES, (wrong, right), strict=True):
            # Keyed (CSS class st-key-mist_<name>_mistake / _fix) so browser tests can watch each side.
            with column, st.container(key=f"mist_{name}_{place}"):
                lane = place if keys else None
                done.append(_guarded(partial(side, SideRun(ctx, lane, keys.get(place)))))
        pair = (done[0], done[1]) if done[0] is not None and done[1] is not None else None
        return {"pair": pair, **(extra(ctx) if extra and pair else {})}

    def replay(saved: Saved) -> None:
        if saved["pair"] is None:
            return  # a side failed: its error was explained on the run, nothing was kept
        for column, side, place in zip(st.columns(2), saved["pair"], PLACES, strict=True):
            with column, st.container(key=f"mist_{name}_{place}"):  # the same keys as a live run
                _redraw(side)

    TimedRun(LESSON, key=f"mist_{name}").panel(
        prompt=question,
        lanes=keys,
        run=run,
        replay=replay,
        show=show,
        layers_intro=layers_notice,
        layers_titles=LANE_TITLES,
        reached_lanes=lambda saved: saved["pair"] is not None,
    )


def render_pair_arrival(name: str, pair: Sequence[Side] | None) -> None:
    """Both sides' text arrival on one chart (`mist_<name>_arrival`), when both were recorded."""
    frames = [side.frame for side in pair or () if side.frame is not None]
    if frames:
        st.markdown("**When the text arrived**")
        render_arrival(frames, key=f"mist_{name}_arrival")
