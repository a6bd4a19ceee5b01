"""Render a stream of chunks as live text, without ever losing what already arrived.

Per-chunk UI updates cost more as text grows (Markdown re-render), so updates are
coalesced on a small time budget; the first piece is always shown at once so the
perceived TTFT is not delayed. Errors become a plain-language `st.error` under the
partial text, never a traceback.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import streamlit as st

from streamlab.errors import explain_error
from streamlab.recorder import chunk_text

FLUSH_EVERY_S = 0.03


@dataclass(slots=True)
class LiveText:
    text: str = ""
    error: BaseException | None = None
    stopped: bool = False

    @property
    def complete(self) -> bool:
        return self.error is None and not self.stopped


def coalesce(pieces: Iterable[str], every_s: float = FLUSH_EVERY_S) -> Iterator[str]:
    """Join pieces that arrive within `every_s` of the last flush into one UI update."""
    buffer: list[str] = []
    last_flush: float | None = None
    for piece in pieces:
        if not piece:
            continue
        buffer.append(piece)
        now = time.perf_counter()
        if last_flush is None or now - last_flush >= every_s:
            yield "".join(buffer)
            buffer.clear()
            last_flush = now
    if buffer:
        yield "".join(buffer)


def render_text_stream(chunks: Iterable[object], *, key: str | None = None) -> LiveText:
    """Write chunks' text live with `st.write_stream`; report the error under the partial text.

    `key` names the container (CSS class `st-key-<key>`), so browser tests can watch it grow.
    """
    result = LiveText()

    def texts() -> Iterator[str]:
        try:
            for chunk in chunks:
                piece = chunk_text(chunk)
                result.text += piece
                yield piece
        except Exception as exc:  # shown below the partial text instead of a traceback
            result.error = exc

    with st.container(key=key):
        st.write_stream(coalesce(texts()))
    if not result.text and result.error is None:
        st.caption("(the run produced no text)")
    if result.error is not None:
        render_run_error(result.error, partial=bool(result.text))
    return result


def render_run_error(error: BaseException, *, partial: bool) -> None:
    st.error(explain_error(error, partial=partial), icon="⚠️")
    if partial:
        st.caption("⚠️ Incomplete: the text above is what arrived before the error.")
