"""Lesson "RunnableParallel": the seed's `short`/`detailed` branches, streamed, summed and timed.

`RunnableParallel.stream()` runs every branch at once (a thread pool) and yields one-key dicts
as chunks arrive from any branch; adding the chunks up rebuilds the full `{key: message}` dict.
The one-after-the-other variant is the baseline that shows what the concurrency saves.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import Runnable, RunnableParallel
from langchain_core.runnables.utils import AddableDict


def build_parallel(short: BaseChatModel, detailed: BaseChatModel) -> RunnableParallel:
    # The seed's cell 3: one input, two models, one dict of outputs.
    return RunnableParallel(short=short, detailed=detailed)


def stream_parallel(parallel: RunnableParallel, question: str) -> Iterator[dict[str, Any]]:
    # Chunks are one-key dicts, {'short': AIMessageChunk(...)}, in arrival order.
    return parallel.stream(question)


def add_up(chunks: Iterable[AddableDict]) -> AddableDict | None:
    # Chunks are AddableDicts: `+` merges them key by key, and messages add up their text.
    total = None
    for chunk in chunks:
        total = chunk if total is None else total + chunk
    return total


def stream_one_after_the_other(
    branches: Mapping[str, Runnable], question: str
) -> Iterator[dict[str, Any]]:
    # The baseline: the same branches, each waiting for the previous one to finish.
    for name, branch in branches.items():
        for chunk in branch.stream(question):
            yield {name: chunk}
