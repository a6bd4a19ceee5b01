"""Lesson "Common mistakes": each mistake and its fix, as two small functions side by side.

Every pair does the same job; only the detail the lesson is about differs, so the
difference in what the learner sees (chunks, ticks, errors) comes from that detail alone.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import Runnable, RunnableConfig, RunnableGenerator, RunnableLambda
from langchain_openai import ChatOpenAI

from streamlab.client.providers import ProviderConfig, build_chat_model

# --- printing `chunk` instead of `chunk.content` ----------------------------------------------


def print_chunks(llm: ChatOpenAI, question: str) -> Iterator[str]:
    for chunk in llm.stream(question):
        yield str(chunk)  # exactly what print(chunk) writes: the message's repr


def print_contents(llm: ChatOpenAI, question: str) -> Iterator[str]:
    for chunk in llm.stream(question):
        yield chunk.text  # what print(chunk.text, end="") writes: the text (chunk.content too)


# --- expecting a prompt or a lambda to stream ---------------------------------------------------


def slow_upper(word: str) -> str:
    time.sleep(0.03)  # pretend each word takes real work
    return word.upper()


def build_prompt() -> ChatPromptTemplate:
    return ChatPromptTemplate.from_template("Explain {topic} briefly.")


def build_shout_lambda() -> Runnable[str, str]:
    # A plain function returns once, so the runnable has one chunk to give: at the end.
    return RunnableLambda(lambda text: " ".join(slow_upper(w) for w in text.split()))


def shout_words(texts: Iterator[str]) -> Iterator[str]:
    for text in texts:  # the input as a stream of pieces (here one piece: your question)
        for word in text.split():
            yield slow_upper(word) + " "  # each word leaves as soon as it is done


def build_shout_generator() -> Runnable[str, str]:
    # Not RunnableLambda(shout_words): that waits for its whole input, so after a model it
    # would start only once the model had finished.
    return RunnableGenerator(shout_words)


# --- one plain step after the model ------------------------------------------------------------


def to_text(message: AIMessage) -> str:
    return message.text  # needs the whole message: waits for the end


def to_text_stream(chunks: Iterator[AIMessage]) -> Iterator[str]:
    for chunk in chunks:
        yield chunk.text  # passes each piece on as it arrives


def build_with_plain_step(llm: ChatOpenAI) -> Runnable[dict, str]:
    return build_prompt() | llm | to_text  # coerced to RunnableLambda


def build_with_generator_step(llm: ChatOpenAI) -> Runnable[dict, str]:
    return build_prompt() | llm | to_text_stream  # a generator: coerced to RunnableGenerator


# --- not passing `config` to the model you call in your own code -------------------------------


def build_thread_without_config(llm: ChatOpenAI) -> Runnable[str, AIMessage]:
    def answer(question: str) -> AIMessage:
        with ThreadPoolExecutor() as pool:  # e.g. to add a timeout or fan out
            return pool.submit(llm.invoke, question).result()  # the run's callbacks stay behind

    return RunnableLambda(answer)


def build_thread_with_config(llm: ChatOpenAI) -> Runnable[str, AIMessage]:
    def answer(question: str, config: RunnableConfig) -> AIMessage:
        with ThreadPoolExecutor() as pool:
            return pool.submit(llm.invoke, question, config).result()  # callbacks travel along

    return RunnableLambda(answer)


def build_same_thread(llm: ChatOpenAI) -> Runnable[str, AIMessage]:
    # No thread of your own: the config travels by itself (a context variable).
    return RunnableLambda(lambda question: llm.invoke(question))


async def chat_ui_text(chain: Runnable[str, AIMessage], question: str) -> AsyncIterator[str]:
    # What a chat UI draws: the model's tokens as they come, else the answer at the very end.
    streamed = False
    async for event in chain.astream_events(question, version="v2"):
        if event["event"] == "on_chat_model_stream":
            streamed = True
            yield event["data"]["chunk"].content
        elif event["event"] == "on_chain_end" and not event["parent_ids"] and not streamed:
            yield event["data"]["output"].content  # no tokens came: all at once


# --- sync `.stream()` inside `async def` ---------------------------------------------------------


async def ticker(ticks: list[float], every_s: float = 0.02) -> None:
    # A heartbeat: it can only tick while the event loop is free.
    start = time.perf_counter()
    while True:
        await asyncio.sleep(every_s)
        ticks.append(time.perf_counter() - start)


async def answer_blocking(llm: ChatOpenAI, question: str) -> str:
    return "".join(chunk.text for chunk in llm.stream(question))  # holds the loop


async def answer_async(llm: ChatOpenAI, question: str) -> str:
    return "".join([chunk.text async for chunk in llm.astream(question)])  # yields to the loop


async def count_ticks(answer, llm: ChatOpenAI, question: str) -> tuple[str, list[float], float]:
    ticks: list[float] = []
    heartbeat = asyncio.create_task(ticker(ticks))
    await asyncio.sleep(0)  # let the heartbeat start before the answer begins
    start = time.perf_counter()
    text = await answer(llm, question)
    elapsed = time.perf_counter() - start
    heartbeat.cancel()
    return text, ticks, elapsed


# --- forgetting `async for` --------------------------------------------------------------------


def read_astream_with_for(llm: ChatOpenAI, question: str) -> str:
    text = ""
    for chunk in llm.astream(question):  # astream() returns an async generator
        text += chunk.text
    return text


async def read_astream_with_async_for(llm: ChatOpenAI, question: str) -> AsyncIterator[str]:
    async for chunk in llm.astream(question):
        yield chunk.text


# --- the `streaming=True` myth -----------------------------------------------------------------


def stream_answer(llm: ChatOpenAI, question: str) -> Iterator[AIMessageChunk]:
    return llm.stream(question)  # the same call for every value of `streaming`


class TokenCounter(BaseCallbackHandler):
    def __init__(self) -> None:
        self.tokens = 0

    def on_llm_new_token(self, *args: Any, **kwargs: Any) -> None:
        self.tokens += 1


def count_invoke_tokens(llm: ChatOpenAI, question: str) -> int:
    counter = TokenCounter()
    llm.invoke(question, config={"callbacks": [counter]})
    return counter.tokens  # > 0 only if invoke() streamed under the hood


def build_llm_without_flag(config: ProviderConfig, **options: Any) -> ChatOpenAI:
    return build_chat_model(config, **options)  # ChatOpenAI(...) with `streaming` left unset


def build_llm_streaming_off(config: ProviderConfig, **options: Any) -> ChatOpenAI:
    return build_chat_model(config, streaming=False, **options)  # ChatOpenAI(streaming=False)


def build_llm_streaming_on(config: ProviderConfig, **options: Any) -> ChatOpenAI:
    return build_chat_model(config, streaming=True, **options)  # ChatOpenAI(streaming=True)
