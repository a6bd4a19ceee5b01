"""Long-form generation drawn live: the growing text, with word count and words/s beside it,
then its timing cards and three layers (the lesson's run panel times the one lane, `ARTICLE`).

The counters are redrawn on a time budget together with the text, so a long answer costs a
few dozen redraws, not one per token (streamlit #12323). While it streams the text is plain
(cheap to repaint) and becomes Markdown once at the end, like `live_output.render_text_stream`.
The text sits alone in a container keyed `key`, so the paint probe counts only the article.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.run.live_output import render_run_error
from components.run.metric_cards import render_metric_cards
from components.run.panel import RunContext, Saved
from streamlab.client.providers import build_chat_model
from streamlab.client.untrusted import without_remote_images
from streamlab.demos.parallel import branch_sims, for_sim_model
from streamlab.demos.use_cases.word_meter import WordMeter
from streamlab.measure.recorder import StreamRecorder, chunk_text
from streamlab.recipes import use_cases as uc

__all__ = [
    "ARTICLE",
    "TEXT_KEY",
    "render_long_form",
    "replay_article",
    "replay_long_form",
    "run_article",
    "show_article",
]

REDRAW_EVERY_S = 0.1
ARTICLE, TEXT_KEY = "article", "uc_long_text"  # the one lane, and its text's container
ARTICLE_NOTE = (
    "**Here**, look at the *last token* column: the browser shows the end of the article well after "
    "LangChain received it. While it streams the text is plain; at the end the whole article is "
    "rendered as Markdown once, and for a long text that render is what you wait for. (The browser "
    "counts the characters it shows, so Markdown markup can make its count differ.)"
)


def run_article(ctx: RunContext, topic: str, max_tokens: int) -> Saved:
    """A long answer from `sim-detailed` (as on the RunnableParallel page), with live counters."""
    slow = branch_sims(ctx.config.profile)["detailed"]
    llm = build_chat_model(
        for_sim_model(ctx.config, "sim-detailed"),
        sim={**slow, **ctx.lanes[ARTICLE].sim},  # the lane's trace id: the server logs its sends
        max_tokens=max_tokens,
    )
    recorder, meter = StreamRecorder(label=ARTICLE), WordMeter()
    elapsed = render_long_form(recorder, lambda: uc.stream_article(llm, topic), meter, key=TEXT_KEY)
    ctx.finish(ARTICLE, recorder)
    return {"meter": meter, "elapsed": elapsed, "summary": recorder.summary()}


def replay_article(saved: Saved) -> None:
    replay_long_form(saved["meter"], saved["elapsed"], key=TEXT_KEY)


def show_article(saved: Saved) -> None:
    """Under the article: why it stopped, and its timing cards (its layers follow, with ARTICLE_NOTE)."""
    meter = saved["meter"]
    st.caption(f"finish_reason = `{meter.finish_reason}` · {meter.words} words in the final text")
    render_metric_cards(saved["summary"])


def render_long_form(
    recorder: StreamRecorder, source: Callable[[], Iterable[object]], meter: WordMeter, *, key: str
) -> float:
    """Stream `source()` through `recorder`, feeding `meter` and drawing text and counters live.

    Returns the elapsed seconds at the end (the meter's clock keeps running; replays need this).
    """
    slots = [column.empty() for column in st.columns(4)]
    with st.container(key=key):
        text_slot = st.empty()  # made before the first token: the first paint is one small update
    wait_slot = st.empty()  # outside the keyed container: the probe must not count this as text
    wait_slot.caption("(waiting for the first token…)")
    meter.start()
    _draw(meter, 0.0, slots, text_slot, plain=True)
    last = -1.0
    try:
        for chunk in recorder.wrap(source):
            meter.add(chunk_text(chunk))
            reason = getattr(chunk, "response_metadata", {}).get("finish_reason")
            meter.finish_reason = reason or meter.finish_reason
            if meter.text and meter.elapsed_s - last >= REDRAW_EVERY_S:
                if last < 0:
                    wait_slot.empty()
                _draw(meter, meter.elapsed_s, slots, text_slot, plain=True)
                last = meter.elapsed_s
    except Exception as exc:  # keep the partial article
        elapsed = meter.elapsed_s
        _finish(meter, elapsed, slots, text_slot, wait_slot)
        render_run_error(exc, partial=bool(meter.text))
        return elapsed
    elapsed = meter.elapsed_s
    _finish(meter, elapsed, slots, text_slot, wait_slot)
    return elapsed


def replay_long_form(meter: WordMeter, elapsed_s: float, *, key: str) -> None:
    """Draw a finished article again (counters, then the text in its keyed container)."""
    slots = [column.empty() for column in st.columns(4)]
    with st.container(key=key):
        text_slot = st.empty()
    _draw(meter, elapsed_s, slots, text_slot, plain=False)


def _finish(
    meter: WordMeter,
    elapsed_s: float,
    slots: list[DeltaGenerator],
    text_slot: DeltaGenerator,
    wait_slot: DeltaGenerator,
) -> None:
    _draw(meter, elapsed_s, slots, text_slot, plain=False)  # Markdown once, with the whole text
    if meter.text:
        wait_slot.empty()
    else:
        wait_slot.caption("(the run produced no text)")


def _draw(
    meter: WordMeter,
    elapsed_s: float,
    slots: list[DeltaGenerator],
    text_slot: DeltaGenerator,
    *,
    plain: bool,
) -> None:
    speed = meter.words_per_s
    values = [
        ("Words", f"{meter.words:,}", "Words in the text so far (whitespace-separated)."),
        ("Words/s", "—" if speed is None else f"{speed:,.1f}", "Words ÷ seconds since the first word."),
        ("Tokens", f"{meter.pieces:,}", "Chunks with text so far (≈ tokens)."),
        ("Elapsed", f"{elapsed_s:,.1f} s", "Since the request started."),
    ]
    for slot, (label, value, help_text) in zip(slots, values, strict=True):
        slot.metric(label, value, help=help_text)
    if not meter.text:
        return
    if plain:
        text_slot.text(meter.text, width="stretch")
    else:
        text_slot.markdown(without_remote_images(meter.text))
