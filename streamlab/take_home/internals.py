"""Take-home driver of "How streaming works internally": every chunk of one stream, and their sum."""

from __future__ import annotations

import time

from streamlab.recipes.internals import running_sums, stream_chunks
from streamlab.take_home.runtime import make_llm, ms_since

QUESTION = "Explain streaming"
MAX_TOKENS = 12


def main() -> None:
    llm = make_llm(max_tokens=MAX_TOKENS)
    start, chunks, times = time.perf_counter(), [], []
    for chunk in stream_chunks(llm, QUESTION):
        times.append(ms_since(start))
        chunks.append(chunk)
    print(f"{'#':>3} {'t (ms)':>8}  content            finish_reason  usage_metadata  chunk_position")
    for i, (chunk, t_ms) in enumerate(zip(chunks, times, strict=True)):
        finish = chunk.response_metadata.get("finish_reason") or ""
        usage = chunk.usage_metadata["output_tokens"] if chunk.usage_metadata else ""
        position = chunk.chunk_position or ""
        print(f"{i:>3} {t_ms:8.1f}  {chunk.content!r:<18} {finish:<14} {usage!s:<15} {position}")
    total = list(running_sums(chunks))[-1]
    print(f"\nchunk + chunk + … = {total.text!r}")
    print(f"usage_metadata of the sum: {total.usage_metadata}")

    # The same request without stream_usage=True, as ChatOpenAI(base_url=...) does by default:
    plain = list(stream_chunks(make_llm(max_tokens=MAX_TOKENS, stream_usage=False), QUESTION))
    print(
        f"without stream_usage=True: {len(plain)} chunks, usage_metadata of the sum: "
        f"{list(running_sums(plain))[-1].usage_metadata}"
    )
