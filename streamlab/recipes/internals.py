"""Lesson "How streaming works internally": the raw SSE lines, the chunks, and how `+` merges them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessageChunk
from langchain_openai import ChatOpenAI

from streamlab.client.providers import ProviderConfig, build_chat_model
from streamlab.measure.sse_capture import SSETap


def build_tapped_llm(config: ProviderConfig, tap: SSETap, max_tokens: int) -> ChatOpenAI:
    # The tap's httpx client copies every response byte: the SSE lines of THIS request.
    return build_chat_model(config, http_client=tap.client(), stream_usage=True, max_tokens=max_tokens)


def stream_chunks(llm: ChatOpenAI, question: str) -> Iterator[AIMessageChunk]:
    return llm.stream(question)


def stream_without_usage(llm: ChatOpenAI, question: str) -> Iterator[AIMessageChunk]:
    # What ChatOpenAI(base_url=...) does unless told otherwise: stream_usage is on only for
    # OpenAI's own URL, so no usage chunk comes and usage_metadata stays None.
    return llm.stream(question, stream_usage=False)


def running_sums(chunks: Iterable[AIMessageChunk]) -> Iterator[AIMessageChunk]:
    # chunk + chunk merges content, metadata and usage into a new, longer chunk.
    total = None
    for chunk in chunks:
        total = chunk if total is None else total + chunk
        yield total


def add_chunks(left: AIMessageChunk, right: AIMessageChunk) -> AIMessageChunk:
    return left + right


def add_chunk_to_message(message: AIMessage, chunk: AIMessageChunk):
    # AIMessage + chunk: no merge. BaseMessage.__add__ builds a ChatPromptTemplate.
    return message + chunk


def add_message_to_chunk(chunk: AIMessageChunk, message: AIMessage) -> BaseMessageChunk:
    # chunk + AIMessage: AIMessageChunk.__add__ only accepts chunks → TypeError.
    return chunk + message
