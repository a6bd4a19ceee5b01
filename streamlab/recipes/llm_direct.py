"""Lesson "Streaming an LLM directly": the seed's first cell, and its non-streaming twin."""

from __future__ import annotations

from collections.abc import Iterator

from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_openai import ChatOpenAI


def stream_answer(llm: ChatOpenAI, question: str) -> Iterator[AIMessageChunk]:
    # Chunks arrive while the model is still generating.
    return llm.stream(question)


def invoke_answer(llm: ChatOpenAI, question: str) -> AIMessage:
    # One message, after the model has finished.
    return llm.invoke(question)
