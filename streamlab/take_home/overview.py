"""Take-home driver of "Overview & mental model": the prompt through `invoke()`, then `stream()`."""

from __future__ import annotations

import time

from streamlab.recipes.overview import invoke_result, stream_chunks
from streamlab.take_home.runtime import make_llm, ms_since

PROMPT = "Explain streaming runnables"


def main() -> None:
    llm = make_llm()
    start = time.perf_counter()
    message = invoke_result(llm, PROMPT)  # one after the other, as on the page
    print(f"invoke() → one {type(message).__name__} after {ms_since(start):,.0f} ms:\n{message.text}\n")

    start, first_ms, chunks, total = time.perf_counter(), None, [], None
    print("stream() → ", end="")
    for chunk in stream_chunks(llm, PROMPT):
        if chunk.text and first_ms is None:
            first_ms = ms_since(start)
        chunks.append(chunk)
        total = chunk if total is None else total + chunk
        print(chunk.text, end="", flush=True)
    usage = total.usage_metadata if total is not None else None
    tokens = usage["output_tokens"] if usage else "?"
    print(
        f"\n\nstream(): first text after {first_ms or 0:,.0f} ms, done after {ms_since(start):,.0f} ms"
    )
    empty = sum(not chunk.text for chunk in chunks)
    print(f"{len(chunks)} chunks for {tokens} tokens; {empty} chunks carried no text")
