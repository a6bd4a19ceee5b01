"""The `streaming=` truth table: each value of the flag × `stream()` / `astream()` / `invoke()`.

The seed treats `ChatOpenAI(streaming=True)` as the switch that makes `.stream()` work. Measuring
every combination shows what the flag really controls: `.stream()` streams without it, an explicit
`streaming=False` (or `disable_streaming=True`) turns streaming off: `.stream()` then yields one
`AIMessage`. And `streaming=True` makes `.invoke()` stream too
(visible as `on_llm_new_token` callbacks).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable, Coroutine, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import pandas as pd
from langchain_core.messages import BaseMessage
from langchain_openai import ChatOpenAI

from streamlab.measure.recorder import chunk_text
from streamlab.recipes.llm_direct import astream_counting, invoke_counting, stream_counting

__all__ = ["FLAGS", "METHODS", "FlagRow", "measure_flags", "to_flag_table"]

T = TypeVar("T")
FLAGS: dict[str, dict[str, bool]] = {
    "unset": {},
    "streaming=True": {"streaming": True},
    "streaming=False": {"streaming": False},
    "disable_streaming=True": {"disable_streaming": True},  # also turns .stream() into one message
}
Counting = Callable[[ChatOpenAI, str], tuple[Sequence[BaseMessage], int]]


def _run_async(coro: Coroutine[Any, Any, T]) -> T:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:  # inside a running loop
        return pool.submit(asyncio.run, coro).result()


def _astream(llm: ChatOpenAI, question: str) -> tuple[Sequence[BaseMessage], int]:
    return _run_async(astream_counting(llm, question))


METHODS: dict[str, Counting] = {
    "stream()": stream_counting, "astream()": _astream, "invoke()": invoke_counting,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class FlagRow:
    flag: str  # a key of FLAGS
    method: str  # a key of METHODS
    chunks: int  # what the method returned: chunks for stream/astream, 1 message for invoke
    content_chunks: int  # of those, the ones with text
    callback_tokens: int  # on_llm_new_token calls seen by a callback handler

    @property
    def meaning(self) -> str:
        if self.method == "invoke()":
            if self.callback_tokens:
                return f"one message, but the request streamed: {self.callback_tokens} token callbacks"
            return "one message, no token callbacks: the request did not stream"
        if self.content_chunks > 1:
            return f"streams: {self.content_chunks} chunks with text"
        return "does not stream: one message with the whole answer"


def measure_flags(
    build_llm: Callable[[dict[str, bool]], ChatOpenAI], question: str
) -> Iterator[FlagRow]:
    """Run every flag × method once; `build_llm(kwargs)` makes a ChatOpenAI with those kwargs."""
    for flag, kwargs in FLAGS.items():
        llm = build_llm(kwargs)
        for method, counting in METHODS.items():
            chunks, tokens = counting(llm, question)
            content = sum(bool(chunk_text(c)) for c in chunks)
            yield FlagRow(flag, method, len(chunks), content, tokens)


def to_flag_table(rows: Iterable[FlagRow]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "streaming=": r.flag,
                "method": r.method,
                "chunks": r.chunks,
                "with text": r.content_chunks,
                "on_llm_new_token calls": r.callback_tokens,
                "what it means": r.meaning,
            }
            for r in rows
        ]
    )
