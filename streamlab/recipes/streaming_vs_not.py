"""Lesson "Streaming vs non-streaming": time both modes the same way, as many times as you like."""

from __future__ import annotations

import time

from langchain_openai import ChatOpenAI

from streamlab.measure.trials import Measurement


def measure_stream(llm: ChatOpenAI, prompt: str) -> Measurement:
    start = time.perf_counter()
    ttft, chunks = None, 0
    for chunk in llm.stream(prompt):
        chunks += 1
        if ttft is None and chunk.content:  # the first chunk WITH text, not the empty role chunk
            ttft = (time.perf_counter() - start) * 1000
    return Measurement(ttft, (time.perf_counter() - start) * 1000, chunks)


def measure_invoke(llm: ChatOpenAI, prompt: str) -> Measurement:
    start = time.perf_counter()
    llm.invoke(prompt)
    total = (time.perf_counter() - start) * 1000
    return Measurement(total, total, 1)  # the first text the user sees IS the whole answer
