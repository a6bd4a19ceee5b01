"""Lesson "Streaming an LLM directly": the seed's first cell, its non-streaming twin, and what the
`streaming=` flag changes (counted with a callback handler)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_openai import ChatOpenAI


def stream_answer(llm: ChatOpenAI, question: str) -> Iterator[AIMessageChunk]:
    # Chunks arrive while the model is still generating.
    return llm.stream(question)


def invoke_answer(llm: ChatOpenAI, question: str) -> AIMessage:
    # One message, after the model has finished.
    return llm.invoke(question)


# --- does `streaming=True` matter? -----------------------------------------------------------


class TokenCounter(BaseCallbackHandler):
    """Counts `on_llm_new_token` callbacks (one per streamed chunk, empty ones included)."""

    def __init__(self) -> None:
        self.tokens = 0

    def on_llm_new_token(self, token: Any, **kwargs: Any) -> None:
        self.tokens += 1


def stream_counting(llm: ChatOpenAI, question: str) -> tuple[list[AIMessageChunk], int]:
    counter = TokenCounter()
    chunks = list(llm.stream(question, config={"callbacks": [counter]}))
    return chunks, counter.tokens


async def astream_counting(llm: ChatOpenAI, question: str) -> tuple[list[AIMessageChunk], int]:
    counter = TokenCounter()
    chunks = [chunk async for chunk in llm.astream(question, config={"callbacks": [counter]})]
    return chunks, counter.tokens


def invoke_counting(llm: ChatOpenAI, question: str) -> tuple[list[AIMessage], int]:
    counter = TokenCounter()
    message = llm.invoke(question, config={"callbacks": [counter]})
    return [message], counter.tokens
