"""Lesson "Overview & mental model": `invoke() → result` and `stream() → chunk → chunk → chunk`."""

from __future__ import annotations

from collections.abc import Iterator

from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_openai import ChatOpenAI


def invoke_result(llm: ChatOpenAI, prompt: str) -> AIMessage:
    # invoke() → result: one complete message, after the model has finished.
    return llm.invoke(prompt)


def stream_chunks(llm: ChatOpenAI, prompt: str) -> Iterator[AIMessageChunk]:
    # stream() → chunk → chunk → chunk: pieces while the model is still generating.
    # No streaming=True needed: .stream() streams on a plain ChatOpenAI.
    return llm.stream(prompt)
