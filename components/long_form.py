"""Long-form generation drawn live: the growing text, with word count and words/s beside it.

The counters are redrawn on a time budget together with the text, so a long answer costs a
few dozen redraws, not one per token (streamlit #12323).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.live_output import render_run_error
from streamlab.recorder import StreamRecorder, chunk_text
from streamlab.word_meter import WordMeter

__all__ = ["render_long_form"]

REDRAW_EVERY_S = 0.1


def render_long_form(
    recorder: StreamRecorder, source: Callable[[], Iterable[object]], meter: WordMeter
) -> WordMeter:
    """Stream `source()` through `recorder`, feeding `meter` and drawing text and counters live."""
    slots = [column.empty() for column in st.columns(4)]
    text_slot = st.empty()
    meter.start()
    last = -1.0
    try:
        for chunk in recorder.wrap(source):
            meter.add(chunk_text(chunk))
            reason = getattr(chunk, "response_metadata", {}).get("finish_reason")
            meter.finish_reason = reason or meter.finish_reason
            if meter.elapsed_s - last >= REDRAW_EVERY_S:
                _draw(meter, slots, text_slot)
                last = meter.elapsed_s
    except Exception as exc:  # keep the partial article
        _draw(meter, slots, text_slot)
        render_run_error(exc, partial=bool(meter.text))
        return meter
    _draw(meter, slots, text_slot)
    return meter


def _draw(meter: WordMeter, slots: list[DeltaGenerator], text_slot: DeltaGenerator) -> None:
    speed = meter.words_per_s
    values = [
        ("Words", f"{meter.words:,}", "Words in the text so far (whitespace-separated)."),
        ("Words/s", "—" if speed is None else f"{speed:,.1f}", "Words ÷ seconds since the first word."),
        ("Tokens", f"{meter.pieces:,}", "Chunks with text so far (≈ tokens)."),
        ("Elapsed", f"{meter.elapsed_s:,.1f} s", "Since the request started."),
    ]
    for slot, (label, value, help_text) in zip(slots, values, strict=True):
        slot.metric(label, value, help=help_text)
    if meter.text:
        text_slot.markdown(meter.text)
    else:
        text_slot.caption("(waiting for the first token…)")
