"""Draw a RunnableParallel stream live: one column per branch, plus the raw dict chunks.

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

from components.run.live_output import render_run_error
from streamlab.demos.parallel import BranchBoard, BranchState, Check, Concurrency
from streamlab.measure.recorder import StreamRecorder

__all__ = [
    "render_checks",
    "render_concurrency",
    "render_parallel_board",
    "render_parallel_stream",
    "run_baseline",
]

REDRAW_EVERY_S = 0.05


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
        slot.text.markdown(state.text)
        slot.drawn_first = True


def render_checks(checks: Iterable[Check]) -> None:
    """One ✅/❌ line per claim, with the evidence from the run."""
    for check in checks:
        icon = "✅" if check.ok else "❌"
        st.markdown(f"{icon} **{check.claim}** — {check.evidence}")


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
