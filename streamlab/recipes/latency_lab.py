"""Lesson "Latency lab": the chains an experiment compares, and how one trial is timed.

Every chain takes the prompt text as its input, so one trial function fits them all. The lab
(streamlab/lab/runner.py) calls exactly these functions; the page shows their source.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from threading import Event

from langchain_core.messages import AIMessage
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import Runnable, RunnableLambda, RunnableParallel

from streamlab.measure.recorder import StreamRecorder


def build_llm_only(llm: Runnable) -> Runnable:
    # The model on its own: nothing between the request and the first token.
    return llm


def build_seed_sequence(llm: Runnable) -> Runnable:
    # The seed page's chain: a plain lambda and a prompt before the model.
    prompt = ChatPromptTemplate.from_template("Explain this concept briefly:\n{topic}")
    return RunnableLambda(lambda x: {"topic": x}) | prompt | llm


def build_parallel(llm: Runnable) -> Runnable:
    # Two branches at once; each streams on its own.
    return RunnableParallel(short=llm.bind(max_tokens=20), detailed=llm)


def check_answer(message: AIMessage) -> AIMessage:
    # Needs the whole answer (think: a moderation check), so it blocks the stream.
    return message


def build_with_blocking_step(llm: Runnable) -> Runnable:
    # A plain function after the model: the stream collapses to one chunk at the end.
    return build_seed_sequence(llm) | check_answer


def time_stream(chain: Runnable, prompt: str, rec: StreamRecorder, stop: Event) -> None:
    with closing(rec.wrap(lambda: chain.stream(prompt))) as chunks:
        for _ in chunks:  # the recorder stamps each chunk as it arrives
            if stop.is_set():
                break  # closing() ends the request too


def time_invoke(chain: Runnable, prompt: str, rec: StreamRecorder, stop: Event) -> None:
    rec.record_invoke(lambda: chain.invoke(prompt))  # one "chunk": the whole answer


async def atime_stream(chain: Runnable, prompt: str, rec: StreamRecorder, stop: Event) -> None:
    chunks = rec.awrap(lambda: chain.astream(prompt))
    async for _ in chunks:
        if stop.is_set():
            break
    await chunks.aclose()


async def atime_invoke(chain: Runnable, prompt: str, rec: StreamRecorder, stop: Event) -> None:
    await rec.arecord_invoke(lambda: chain.ainvoke(prompt))


CHAINS: dict[str, Callable[[Runnable], Runnable]] = {
    "llm": build_llm_only,
    "sequence": build_seed_sequence,
    "parallel": build_parallel,
    "blocking": build_with_blocking_step,
}
