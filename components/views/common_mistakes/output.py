"""The mistakes about what a loop over the stream gets: a message's repr, or a `TypeError`.

`print(chunk)` prints the whole message object per chunk; a plain `for` over `astream()` fails
before a chunk is read. Neither is about timing, so neither side is timed in layers.
"""

from __future__ import annotations

from collections.abc import Iterator

import streamlit as st

from components.run.live_output import coalesce
from components.views.common_mistakes.pair import (
    Side,
    SideRun,
    chunks_verdict,
    finish_side,
    recorded,
    render_sources,
    run_pair,
    stream_side,
)
from streamlab.client.async_bridge import catch_error, iterate_sync
from streamlab.recipes import common_mistakes as m

__all__ = ["demo_async_for", "demo_print"]

PRINT_CARDS = ("chunks", "Characters printed")


def _live_lines(lines: Iterator[str]) -> str:
    slot, shown = st.empty(), ""
    for piece in coalesce(line + "\n" for line in lines):
        shown += piece
        slot.code(shown, language=None, height=320, wrap_lines=True)
    return shown


def demo_print(question: str) -> None:
    st.markdown(
        "`print(chunk)` prints the whole message object, its pydantic repr with every metadata "
        "field, once per chunk. The text is `chunk.content` (or `chunk.text`). **Notice** the wall "
        "of `content='…' additional_kwargs={} …` lines on the left."
    )
    render_sources(
        [m.print_chunks],
        [m.print_contents],
        ("`print(chunk)` writes `str(chunk)`.", "`chunk.content` (or `chunk.text`) is the text."),
    )

    def wrong(side: SideRun) -> Side:
        text = _live_lines(m.print_chunks(side.llm(), question))
        summary = {"chunks": text.count("\n"), "Characters printed": len(text)}
        verdict = "One `content='…' additional_kwargs={} …` repr per chunk."
        return finish_side(Side(text, verdict, False, summary, PRINT_CARDS, code=True))

    def right(side: SideRun) -> Side:
        llm = side.llm()
        text, recorder = recorded("print(chunk.content)", lambda: m.print_contents(llm, question))
        summary = {"chunks": recorder.summary()["chunks"], "Characters printed": len(text)}
        verdict = "Only the answer's text, as it arrives."
        return finish_side(Side(text, verdict, True, summary, PRINT_CARDS))

    run_pair("print", question, wrong, right)


def demo_async_for(question: str) -> None:
    st.markdown(
        "`astream()` returns an *async* generator. A plain `for` cannot iterate it: Python raises "
        "`TypeError` before a single chunk is read. Use `async for` inside `async def` (here the page "
        "drives it with an event loop; in FastAPI the framework does)."
    )
    render_sources(
        [m.read_astream_with_for],
        [m.read_astream_with_async_for],
        ("A plain `for` over `astream()`.", "`async for`, inside an `async def`."),
    )

    def wrong(side: SideRun) -> Side:
        _, error = catch_error(m.read_astream_with_for, side.llm(), question)
        text = f"{type(error).__name__}: {error}" if error else "(no error)"
        st.code(text, language=None)
        return finish_side(Side(text, "The loop fails before one chunk is read.", False, code=True))

    def right(side: SideRun) -> Side:
        llm = side.llm()

        def chunks() -> Iterator[str]:
            return iterate_sync(m.read_astream_with_async_for(llm, question))

        return stream_side("async for", chunks, chunks_verdict, True, side)

    run_pair("async_for", question, wrong, right)
