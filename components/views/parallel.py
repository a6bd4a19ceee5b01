"""Views of "RunnableParallel": both branches streamed live (one column each, plus the raw dict
chunks), then how long the run took next to the one-after-the-other baseline, and what the chunks
prove.

Everything is drawn from the script thread while `RunnableParallel.stream()`'s own threads
produce the chunks. Redraws are coalesced on a small time budget (a long answer is hundreds of
chunks), and the first text of each branch is drawn at once so its TTFT is visible.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.figures.arrival import render_arrival
from components.run.live_output import render_run_error
from components.run.metric_cards import render_metric_cards
from components.run.panel import RunContext, Saved
from streamlab.client.untrusted import without_remote_images
from streamlab.demos.parallel import (
    BRANCH_MODELS,
    BranchBoard,
    BranchRecording,
    BranchState,
    Check,
    Concurrency,
    build_branch_models,
    concurrency,
    describe_total,
    parallel_checks,
)
from streamlab.measure.recorder import StreamRecorder
from streamlab.recipes.parallel import build_parallel, stream_one_after_the_other, stream_parallel

__all__ = [
    "LANES",
    "render_checks",
    "render_concurrency",
    "render_parallel_board",
    "render_parallel_stream",
    "replay_branches",
    "run_baseline",
    "run_branches",
    "show_results",
]

REDRAW_EVERY_S = 0.05
LANES = {name: f"par_text_{name}" for name in BRANCH_MODELS}  # one lane (request) per branch
BRANCH_CARDS = ("ttft_ms", "total_ms", "chunks")


@dataclass(slots=True)
class _Column:
    progress: DeltaGenerator
    stats: DeltaGenerator
    text: DeltaGenerator
    drawn_first: bool = False


def render_parallel_stream(
    recorder: StreamRecorder,
    source: Callable[[], Iterable[dict[str, Any]]],
    names: Sequence[str],
    *,
    max_tokens: int,
    captions: dict[str, str] | None = None,
    key: str | None = None,
) -> tuple[BranchBoard, list[DeltaGenerator]]:
    """Stream `source()` through `recorder`, drawing each branch; returns the board and the columns.

    With `key`, branch `name`'s text box has the CSS class `st-key-<key>_<name>`, and the raw chunk
    log `st-key-<key>_log` (browser tests, the README screenshots and the paint probe find them by
    these). The text box holds only the branch's text, so its length is what the learner sees.
    """
    columns, slots, log_slot = _layout(names, captions, key)
    board = BranchBoard(list(names))
    _draw(board, slots, log_slot, max_tokens)
    last = 0.0
    try:
        for chunk in recorder.wrap(source):
            board.add(chunk, (time.perf_counter_ns() - (recorder.start_ns or 0)) / 1e6)
            now = time.perf_counter()
            first_text = any(
                s.first_ms is not None and not slots[n].drawn_first
                for n, s in board.branches.items()
                if n in slots
            )
            if first_text or now - last >= REDRAW_EVERY_S:
                _draw(board, slots, log_slot, max_tokens)
                last = now
    except Exception as exc:  # keep every branch's partial text
        _draw(board, slots, log_slot, max_tokens)
        render_run_error(exc, partial=bool(board.chunks))
    _draw(board, slots, log_slot, max_tokens)
    return board, list(columns)


def render_parallel_board(
    board: BranchBoard,
    names: Sequence[str],
    *,
    max_tokens: int,
    captions: dict[str, str] | None = None,
    key: str | None = None,
) -> list[DeltaGenerator]:
    """Draw a finished run again (same layout and keys as `render_parallel_stream`); the columns."""
    columns, slots, log_slot = _layout(names, captions, key)
    _draw(board, slots, log_slot, max_tokens)
    return columns


def _layout(
    names: Sequence[str], captions: dict[str, str] | None, key: str | None
) -> tuple[list[DeltaGenerator], dict[str, _Column], DeltaGenerator]:
    columns = st.columns(len(names))
    slots: dict[str, _Column] = {}
    for name, column in zip(names, columns, strict=True):
        column.subheader(f"`{name}`")
        if captions and name in captions:
            column.caption(captions[name])
        box = column.container(height=260, key=f"{key}_{name}" if key else None)
        slots[name] = _Column(column.empty(), column.empty(), box.empty())
    st.markdown("**Raw chunks as they arrive** (`print(output)` in the seed; reprs cut to one line)")
    log_slot = st.container(height=260, key=f"{key}_log" if key else None).empty()
    return list(columns), slots, log_slot


def _draw(
    board: BranchBoard, slots: dict[str, _Column], log_slot: DeltaGenerator, max_tokens: int
) -> None:
    for name, slot in slots.items():
        state = board.branches.get(name, BranchState())
        _draw_branch(state, slot, max_tokens)
    more = f"\n… {board.chunks - len(board.log)} more chunks not listed" if board.log_truncated else ""
    log_slot.code("\n".join(board.log) + more or "(waiting for the first chunk)", language=None)


def _draw_branch(state: BranchState, slot: _Column, max_tokens: int) -> None:
    done = state.finish_reason is not None
    share = 1.0 if done else min(state.content_chunks / max(max_tokens, 1), 1.0)
    label = f"{state.content_chunks} / {max_tokens} tokens" + (
        f" · finished ({state.finish_reason})" if done else ""
    )
    slot.progress.progress(share, text=label)
    ttft = "waiting…" if state.first_ms is None else f"{state.first_ms:,.0f} ms"
    nothing = "" if state.text else " · (no text yet)"  # not in the text box: the probe counts it
    slot.stats.caption(f"TTFT {ttft} · {state.chunks} chunks{nothing}")
    if state.text:
        slot.text.markdown(without_remote_images(state.text))
        slot.drawn_first = True


def render_checks(checks: Iterable[Check]) -> None:
    """One line per claim: an icon and a word (holds / fails), the claim and the run's evidence."""
    for check in checks:
        mark = ":material/check_circle: Holds:" if check.ok else ":material/cancel: Fails:"
        st.markdown(f"{mark} **{check.claim}** — {check.evidence}")


def run_baseline(recorder: StreamRecorder, source: Callable[[], Iterable[object]]) -> bool:
    """Drain `source()` through `recorder` behind a spinner; False (and an error shown) if it failed."""
    try:
        with st.spinner("Now the same branches one after the other…"):
            for _ in recorder.wrap(source):
                pass
    except Exception as exc:
        render_run_error(exc, partial=False)
        return False
    return True


def render_concurrency(timing: Concurrency) -> None:
    """Parallel total next to the slowest branch, the sum of branches and the measured baseline."""
    cards = [
        ("Parallel run", timing.parallel_ms, "Start of RunnableParallel.stream() → its last chunk."),
        ("Slowest branch", timing.slowest_ms, "The later of the branches' last chunks, same run."),
        ("Sum of branches", timing.sum_ms, "What one after the other would cost, from this run."),
        ("One after the other", timing.sequential_ms, "Measured: the same branches, streamed in turn."),
    ]
    for column, (label, value, help_text) in zip(st.columns(len(cards)), cards, strict=True):
        column.metric(label, "—" if value is None else f"{value:,.0f} ms", help=help_text)
    st.markdown(timing.summary())


def run_branches(ctx: RunContext, question: str, *, max_tokens: int, baseline_on: bool) -> Saved:
    """Both branches at once, live; then, if asked, the same branches one after the other."""
    # One lane per branch: each branch's request gets its own server trace.
    models = build_branch_models(
        ctx.config,
        max_tokens=max_tokens,
        extra_sims={name: lane.sim for name, lane in ctx.lanes.items()},
    )
    parallel = build_parallel(**models)
    recorder = StreamRecorder(label="parallel")
    captions = {name: f"model `{llm.model_name}`" for name, llm in models.items()}
    board, columns = render_parallel_stream(
        recorder,
        lambda: stream_parallel(parallel, question),
        list(models),
        max_tokens=max_tokens,
        captions=captions,
        key="par_text",
    )
    for name in models:
        ctx.finish(name, BranchRecording(recorder, name))
    summary = recorder.summary()
    _branch_cards(summary, columns, list(models))
    baseline = StreamRecorder(label="one after the other") if baseline_on else None
    if baseline and not run_baseline(baseline, lambda: stream_one_after_the_other(models, question)):
        baseline = None
    return {
        "board": board,
        "names": list(models),
        "captions": captions,
        "max_tokens": max_tokens,
        "summary": summary,
        "timing": concurrency(summary, baseline.summary() if baseline else None),
        "checks": parallel_checks(board, models),
        "frames": [recorder.to_dataframe(), *([baseline.to_dataframe()] if baseline else [])],
    }


def replay_branches(saved: Saved) -> None:
    """Both columns and the raw log as the run left them, with each branch's cards."""
    columns = render_parallel_board(
        saved["board"],
        saved["names"],
        max_tokens=saved["max_tokens"],
        captions=saved["captions"],
        key="par_text",
    )
    _branch_cards(saved["summary"], columns, saved["names"])


def _branch_cards(summary: Any, columns: Sequence[DeltaGenerator], names: Sequence[str]) -> None:
    for name, column in zip(names, columns, strict=True):
        with column:
            render_metric_cards(summary["branches"].get(name, {}), columns=BRANCH_CARDS)


def show_results(saved: Saved) -> None:
    """Concurrent, not one after the other; what the chunks prove; when each branch's text arrived."""
    st.subheader("Concurrent, not one after the other")
    render_concurrency(saved["timing"])
    st.subheader("What the chunks prove")
    render_checks(saved["checks"])
    st.code(f"add_up(chunks) → {describe_total(saved['board'].total)}", language=None, wrap_lines=True)
    st.subheader("When did each branch's text arrive?")
    render_arrival(saved["frames"], key="par_arrival")
    st.caption(
        "One line per branch (dotted: its TTFT). In the parallel run both lines start climbing "
        "almost together; in the baseline, `detailed` cannot start before `short` has finished."
    )
    st.subheader("From the server to your screen, per branch")
    st.markdown(
        "**Notice** that both tabs count from the same request start, and each branch's *shown in "
        "browser* row starts right after its own *sent by server* row: `detailed` reaches your "
        "screen only its longer TTFT later, while `short` is still being painted, not after it."
    )
    st.caption(
        "Layers are measured for the parallel run only; the one-after-the-other baseline has none."
    )
