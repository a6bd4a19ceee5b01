"""Lesson "What can and cannot stream": one small runnable per row of the seed's table.

Steps that change a stream (lambdas, generators, parsers) are measured right after the model,
where the question "does it pass chunks on?" matters. Each row names what the seed claims.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from langchain_core.embeddings import DeterministicFakeEmbedding
from langchain_core.language_models import BaseChatModel
from langchain_core.output_parsers import JsonOutputParser, StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import Runnable, RunnableGenerator, RunnableLambda, RunnableParallel
from langchain_core.vectorstores import InMemoryVectorStore

from streamlab.recipes.sequence import build_seed_chain, prompt, shout, shout_chunks, shout_words

QUESTION = "Explain streaming runnables"
DOCS = ["Chat models stream tokens.", "Prompts format input.", "Retrievers return documents."]


def build_retriever() -> Runnable:
    # In memory, with a fake (deterministic) embedding: no API key needed.
    store = InMemoryVectorStore.from_texts(DOCS, DeterministicFakeEmbedding(size=64))
    return store.as_retriever(search_kwargs={"k": 2})


def llm_alone(llm: BaseChatModel) -> Runnable:
    return llm


def prompt_alone(llm: BaseChatModel) -> Runnable:
    return prompt


def retriever_alone(llm: BaseChatModel) -> Runnable:
    return build_retriever()


def llm_then_lambda(llm: BaseChatModel) -> Runnable:
    return llm | RunnableLambda(shout)


def llm_then_lambda_generator(llm: BaseChatModel) -> Runnable:
    return llm | RunnableLambda(shout_words)


def llm_then_runnable_generator(llm: Runnable) -> Runnable:
    # Any runnable that streams AIMessageChunks, e.g. the chat model.
    return llm | RunnableGenerator(shout_chunks)


def llm_then_str_parser(llm: BaseChatModel) -> Runnable:
    return llm | StrOutputParser()


def llm_then_json_parser(llm: BaseChatModel) -> Runnable:
    # A prompt that asks for JSON; the parser yields the whole object parsed so far.
    ask_json = ChatPromptTemplate.from_template("Describe {topic} as JSON.")
    return ask_json | llm | JsonOutputParser()


def sequence_ending_in_blocking_step(llm: BaseChatModel) -> Runnable:
    return build_seed_chain(llm) | RunnableLambda(shout)


def sequence_blocking_step_then_parser(llm: BaseChatModel) -> Runnable:
    return build_seed_chain(llm) | RunnableLambda(shout) | StrOutputParser()


def parallel_of_two_llms(llm: BaseChatModel) -> Runnable:
    return RunnableParallel(short=llm, detailed=llm)


@dataclass(frozen=True, slots=True)
class Case:
    component: str
    seed_says: str
    build: Callable[[BaseChatModel], Runnable]
    input: Any = QUESTION


CASES = [
    Case("LLM (ChatOpenAI)", "streams", llm_alone),
    Case("Prompt template", "doesn't stream", prompt_alone, {"topic": "streaming"}),
    Case("llm | RunnableLambda(plain function)", "doesn't stream (RunnableLambda)", llm_then_lambda),
    Case(
        "llm | RunnableLambda(generator)", "doesn't stream (RunnableLambda)", llm_then_lambda_generator
    ),
    Case("llm | RunnableGenerator(generator)", "— (not in the table)", llm_then_runnable_generator),
    Case("Retriever (InMemoryVectorStore)", "doesn't stream", retriever_alone, "streaming"),
    Case("llm | StrOutputParser()", "— (not in the table)", llm_then_str_parser),
    Case(
        "prompt | llm | JsonOutputParser()",
        "— (not in the table)",
        llm_then_json_parser,
        {"topic": "streaming"},
    ),
    Case(
        "Sequence ending in the LLM (seed chain)",
        "streams (if the final step streams)",
        build_seed_chain,
    ),
    Case(
        "Sequence ending in a plain lambda",
        "streams (if the final step streams)",
        sequence_ending_in_blocking_step,
    ),
    Case(
        "Sequence: plain lambda, then StrOutputParser",
        "streams (if the final step streams)",
        sequence_blocking_step_then_parser,
    ),
    Case("RunnableParallel of two LLMs", "streams (per branch)", parallel_of_two_llms),
]
