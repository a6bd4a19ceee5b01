"""Take-home driver of "What can and cannot stream": every row of the table, measured."""

from __future__ import annotations

import time

from streamlab.measure.streamability import judge
from streamlab.recipes.can_cannot_stream import CASES
from streamlab.take_home.runtime import make_llm, ms_since

# The page pins the simulator's latency, so "early" and "at the end" are far apart.
SIM_LATENCY = {"ttft_ms": 100, "tokens_per_s": 150}


def text_of(chunk) -> str:
    if isinstance(chunk, str):
        return chunk
    if hasattr(chunk, "text"):
        return chunk.text
    return str(chunk)  # a dict (parser, parallel), a prompt value, a list of documents


def main() -> None:
    llm = make_llm(sim=SIM_LATENCY)
    for case in CASES:
        start, chunks, content_ms = time.perf_counter(), 0, []
        for chunk in case.build(llm).stream(case.input):
            chunks += 1
            if text_of(chunk):
                content_ms.append(ms_since(start))
        print(
            f"{case.component:<46} {chunks:>4} chunks · verdict {judge(content_ms):<8}"
            f" · seed says: {case.seed_says}"
        )
