"""Take-home driver of "RunnableSequence": each picked chain variant streamed and timed."""

from __future__ import annotations

import time

from streamlab.recipes.sequence import VARIANTS
from streamlab.take_home.runtime import make_llm, ms_since

TOPIC = "Runnable streaming"
CHOSEN = [
    "seed chain (ends in the LLM)",
    "+ plain function",
    "+ RunnableLambda(generator)",
    "+ RunnableGenerator",
    "+ plain function + StrOutputParser()",
]


def main() -> None:
    llm = make_llm()
    for name in CHOSEN:  # one after the other, as on the page
        chain = VARIANTS[name](llm)
        start, chunks, with_text, first_ms = time.perf_counter(), 0, 0, None
        for chunk in chain.stream(TOPIC):
            text = chunk if isinstance(chunk, str) else chunk.text
            chunks, with_text = chunks + 1, with_text + bool(text)
            if text and first_ms is None:
                first_ms = ms_since(start)
        print(
            f"{name:<38} {chunks:>4} chunks, {with_text:>4} with text · first text "
            f"{first_ms or 0:7,.0f} ms · done {ms_since(start):7,.0f} ms"
        )
