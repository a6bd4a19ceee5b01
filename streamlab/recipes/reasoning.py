"""Lesson "Reasoning tokens": a reasoning model on OpenAI's Responses API, asked for a summary of
its thoughts, streamed with `llm.stream()`. The summary's pieces come first, then the answer's:
LangChain's standard content blocks say which is which (`reasoning` or `text`), whatever the
provider.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from langchain_core.language_models import BaseChatModel

__all__ = ["Piece", "stream_thinking", "thinking"]

Piece = Literal["thought", "answer"]


def thinking(effort: str) -> dict[str, Any]:
    # ChatOpenAI(model=..., **thinking("low")): the Responses API, and a summary of the thoughts.
    return {"use_responses_api": True, "reasoning": {"effort": effort, "summary": "auto"}}


def stream_thinking(llm: BaseChatModel, question: str) -> Iterator[tuple[Piece, str]]:
    for chunk in llm.stream(question):
        for block in chunk.content_blocks:  # the same block types for every provider
            if block["type"] == "reasoning" and block.get("reasoning"):
                yield "thought", block["reasoning"]  # the summary: it streams first
            elif block["type"] == "text" and block["text"]:
                yield "answer", block["text"]
