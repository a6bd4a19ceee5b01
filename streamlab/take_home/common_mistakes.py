"""Take-home driver of "Common mistakes": each mistake and its fix, run one after the other."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable

from streamlab.recipes.common_mistakes import (
    answer_async,
    answer_blocking,
    build_prompt,
    build_same_thread,
    build_shout_generator,
    build_shout_lambda,
    build_thread_with_config,
    build_thread_without_config,
    build_with_generator_step,
    build_with_plain_step,
    chat_ui_text,
    count_invoke_tokens,
    count_ticks,
    print_chunks,
    print_contents,
    read_astream_with_async_for,
    read_astream_with_for,
    stream_answer,
)
from streamlab.take_home.runtime import make_llm, ms_since

QUESTION = "Explain streaming runnables"
MAX_TOKENS = 60  # every demo answers briefly


def report(label: str, chunks: Iterable) -> None:
    start, count, first_ms = time.perf_counter(), 0, None
    for chunk in chunks:
        text = chunk if isinstance(chunk, str) else chunk.text
        if text:
            count += 1
            first_ms = ms_since(start) if first_ms is None else first_ms
    print(f"  {label:<34} {count:>3} chunks with text · first after {first_ms or 0:6,.0f} ms")


async def async_mistakes(llm) -> None:
    print("A model called from your own thread, read the way a chat UI reads astream_events:")
    for label, build in (
        ("mistake: own thread, no config", build_thread_without_config),
        ("fix: own thread + config", build_thread_with_config),
        ("control: same thread", build_same_thread),
    ):
        pieces = [piece async for piece in chat_ui_text(build(llm), QUESTION)]
        print(f"  {label:<34} {sum(bool(p) for p in pieces):>3} token pieces reached the UI")
    print("Sync .stream() inside async def (a heartbeat ticks every 20 ms while the loop is free):")
    for label, answer in (
        ("mistake: sync .stream()", answer_blocking),
        ("fix: .astream()", answer_async),
    ):
        _, ticks, elapsed = await count_ticks(answer, llm, QUESTION)
        print(f"  {label:<34} {len(ticks):>3} ticks in {elapsed * 1000:,.0f} ms")
    print("Forgetting async for:")
    try:
        read_astream_with_for(llm, QUESTION)
    except TypeError as error:
        print(f"  mistake: plain for → TypeError: {error}")
    text = "".join([piece async for piece in read_astream_with_async_for(llm, QUESTION)])
    print(f"  fix: async for → {len(text)} characters of text")


def main() -> None:
    llm = make_llm(max_tokens=MAX_TOKENS)
    print("print(chunk) instead of print(chunk.content):")
    print(f"  mistake: {next(iter(print_chunks(llm, QUESTION)))}")
    print(f"  fix:     {''.join(print_contents(llm, QUESTION))[:60]!r}…")
    print("Expecting a prompt or a lambda to stream:")
    prompt_chunks = list(build_prompt().stream({"topic": QUESTION}))
    print(f"  prompt.stream() → {len(prompt_chunks)} chunk: {type(prompt_chunks[0]).__name__}")
    report("mistake: plain function", build_shout_lambda().stream(QUESTION))
    report("fix: generator", build_shout_generator().stream(QUESTION))
    print("One plain step after the model:")
    report("mistake: plain step", build_with_plain_step(llm).stream({"topic": QUESTION}))
    report("fix: generator step", build_with_generator_step(llm).stream({"topic": QUESTION}))
    # One event loop for every async demo: langchain-openai shares its async HTTP client between
    # models with the same base URL, and a client cannot outlive the loop that opened it.
    asyncio.run(async_mistakes(llm))
    print("The streaming=True myth:")
    report(
        "mistake: streaming=False",
        stream_answer(make_llm(max_tokens=MAX_TOKENS, streaming=False), QUESTION),
    )
    report("fix: streaming unset", stream_answer(llm, QUESTION))
    tokens = count_invoke_tokens(make_llm(max_tokens=MAX_TOKENS, streaming=True), QUESTION)
    print(f"  streaming=True makes invoke() stream: {tokens} on_llm_new_token calls")
