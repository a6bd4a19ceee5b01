"""Render a stream of chunks as live text, without ever losing what already arrived.

Per-chunk UI updates cost more as text grows (Markdown re-render), so updates are
coalesced on a small time budget; the first piece is always shown at once so the
perceived TTFT is not delayed. While streaming the text is plain (`st.text`, into a slot
made before the first token) and becomes Markdown once at the end: in chromium that paints
the first token ~10 ms sooner than Markdown updates (bench/perceived_latency.py, README
there). Model output never loads images (`without_remote_images`). Errors become a
plain-language `st.error` under the partial text, never a traceback.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import streamlit as st

from streamlab.client.errors import explain_error
from streamlab.client.untrusted import without_remote_images
from streamlab.measure.recorder import chunk_text

FLUSH_EVERY_S = 0.03
# How the text is drawn while it streams (bench/perceived_latency.py compares them):
# "coalesced": st.write_stream, one Markdown update per FLUSH_EVERY_S; "every-chunk": one
# st.write_stream Markdown update per chunk; "markdown": like "coalesced" but into a slot made
# before the first token; "plain": like "markdown" with plain text, Markdown once at the end.
RENDER_MODES = ("coalesced", "every-chunk", "markdown", "plain")
DEFAULT_RENDER_MODE = "plain"
RENDER_MODE_ENV, FLUSH_MS_ENV = "STREAMLAB_LIVE_RENDER", "STREAMLAB_FLUSH_MS"


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


def render_mode() -> tuple[str, float]:
    """(mode, flush interval in s) from $STREAMLAB_LIVE_RENDER / $STREAMLAB_FLUSH_MS, or the defaults."""
    mode = os.environ.get(RENDER_MODE_ENV, DEFAULT_RENDER_MODE)
    try:
        every_s = float(os.environ[FLUSH_MS_ENV]) / 1000 if FLUSH_MS_ENV in os.environ else FLUSH_EVERY_S
    except ValueError:
        every_s = FLUSH_EVERY_S
    return (mode if mode in RENDER_MODES else DEFAULT_RENDER_MODE), max(every_s, 0.0)


def _write_into_slot(pieces: Iterable[str], *, plain: bool) -> None:
    # The slot exists before the first piece, so the first token is one small update.
    slot, text = st.empty(), ""
    for piece in pieces:
        text += piece
        if plain:
            slot.text(text, width="stretch")
        else:
            slot.markdown(without_remote_images(text))
    if text and plain:
        slot.markdown(without_remote_images(text))


def _no_images(pieces: Iterable[str]) -> Iterator[str]:
    """`without_remote_images` for text that `st.write_stream` joins: a piece's trailing "!" waits
    for the next piece, so an image cannot form across two pieces."""
    held = ""
    for piece in pieces:
        text, held = held + piece, ""
        if text.endswith("!"):
            text, held = text[:-1], "!"
        if text:
            yield without_remote_images(text)
    if held:
        yield held


def render_text_stream(chunks: Iterable[object], *, key: str | None = None) -> LiveText:
    """Write chunks' text live (see `render_mode`); report the error under the partial text.

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

    mode, every_s = render_mode()
    with st.container(key=key):
        if mode in ("plain", "markdown"):
            _write_into_slot(coalesce(texts(), every_s), plain=mode == "plain")
        else:
            pieces = texts() if mode == "every-chunk" else coalesce(texts(), every_s)
            st.write_stream(_no_images(pieces))
    if not result.text and result.error is None:
        st.caption("(the run produced no text)")
    if result.error is not None:
        render_run_error(result.error, partial=bool(result.text))
    return result


def render_run_error(error: BaseException, *, partial: bool) -> None:
    st.error(explain_error(error, partial=partial), icon=":material/warning:")
    if partial:
        st.caption("Incomplete: the text above is what arrived before the error.")
