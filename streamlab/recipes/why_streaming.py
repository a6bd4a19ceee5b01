"""Lesson "Why streaming matters": the two lanes of the race, same model, same prompt."""

from __future__ import annotations

from collections.abc import Iterator

from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_openai import ChatOpenAI


def streamed_lane(llm: ChatOpenAI, prompt: str) -> Iterator[AIMessageChunk]:
    # Text reaches the user chunk by chunk while the model is still generating.
    return llm.stream(prompt)


def invoked_lane(llm: ChatOpenAI, prompt: str) -> list[AIMessage]:
    # The user sees nothing until the whole message is back: a "stream" of one item.
    return [llm.invoke(prompt)]
