"""Lesson "astream_events": the seed's chain (lambda → prompt → chat model), every step observed.

`astream_events` reports each run's start, stream and end, with names, tags and parent ids.
`capture_events` (measure/events.py) runs it and stamps every event with its arrival time.
"""

from __future__ import annotations

from typing import Any, Literal

from langchain_core._api.beta_decorator import suppress_langchain_beta_warning
from langchain_core.language_models import BaseChatModel
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import Runnable, RunnableLambda

from streamlab.measure.events import CapturedEvents, OnEvent, capture_events

prompt = ChatPromptTemplate.from_template("Explain this concept briefly:\n{topic}")

# What the include_* filters can pick from for this chain (run types per langchain-core).
CHAIN_NAMES = ["RunnableSequence", "RunnableLambda", "ChatPromptTemplate", "ChatOpenAI"]
RUN_TYPES = ["chain", "prompt", "chat_model", "llm", "parser", "retriever", "tool"]
CHAIN_TAGS = ["seq:step:1", "seq:step:2", "seq:step:3"]


def build_seed_chain(llm: BaseChatModel) -> Runnable:
    # The seed's cell 2 (canonical import of ChatPromptTemplate).
    return RunnableLambda(lambda x: {"topic": x}) | prompt | llm


async def collect_events(
    chain: Runnable,
    question: str,
    version: Literal["v1", "v2"] = "v2",
    on_event: OnEvent | None = None,
    **filters: Any,
) -> CapturedEvents:
    # The seed's cell 4: `async for event in chain.astream_events(question, version=...)`,
    # each event stamped on arrival; filters are include_names / include_types / include_tags.
    return await capture_events(chain, question, version=version, on_event=on_event, **filters)


async def collect_model_events(
    llm: BaseChatModel, question: str, on_event: OnEvent | None = None
) -> CapturedEvents:
    # version="v3" (beta) exists for chat models only: run the model alone on the formatted prompt.
    text = prompt.format(topic=question)
    with suppress_langchain_beta_warning():  # LangChain warns once per process; the page says "beta"
        return await capture_events(llm, text, version="v3", on_event=on_event)
