"""Take-home driver of "Streaming an LLM directly": the answer, then the `streaming=` truth table."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from streamlab.demos.llm_direct import FLAGS
from streamlab.recipes.llm_direct import (
    astream_counting,
    invoke_answer,
    invoke_counting,
    stream_answer,
    stream_counting,
)
from streamlab.take_home.runtime import make_llm, ms_since

QUESTION = "Explain streaming runnables"
STREAMING = True  # the page's toggle: llm.stream() (True) or llm.invoke() (False)


def main() -> None:
    llm, start, first_ms = make_llm(), time.perf_counter(), None
    chunks = stream_answer(llm, QUESTION) if STREAMING else [invoke_answer(llm, QUESTION)]
    for chunk in chunks:
        if chunk.text and first_ms is None:
            first_ms = ms_since(start)
        print(chunk.text, end="", flush=True)
    print(f"\n\nfirst text after {first_ms or 0:,.0f} ms, done after {ms_since(start):,.0f} ms\n")

    # One event loop for the whole table: langchain-openai shares its async HTTP client between
    # models with the same base URL, and a client cannot outlive the loop that opened it.
    asyncio.run(truth_table())


async def truth_table() -> None:
    print(f"{'streaming=':<24}{'method':<11}{'chunks':>7}{'with text':>11}{'on_llm_new_token':>18}")
    for flag, kwargs in FLAGS.items():
        options: dict[str, Any] = {"max_tokens": 12, **kwargs}  # short answers
        short = make_llm(**options)
        for method, (got, tokens) in (
            ("stream()", stream_counting(short, QUESTION)),
            ("astream()", await astream_counting(short, QUESTION)),
            ("invoke()", invoke_counting(short, QUESTION)),
        ):
            with_text = sum(bool(message.text) for message in got)
            print(f"{flag:<24}{method:<11}{len(got):>7}{with_text:>11}{tokens:>18}")
