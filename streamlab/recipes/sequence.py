"""Lesson "RunnableSequence": the seed's chain, and one variant per kind of step added to it.

Every step from the model onward decides whether the stream survives: steps that implement
`transform` (models, parsers, `RunnableGenerator`) pass chunks on, a plain function waits for
the whole input. Steps before the model only delay the first token.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import Runnable, RunnableGenerator, RunnableLambda

prompt = ChatPromptTemplate.from_template("Explain this concept briefly:\n{topic}")


def build_seed_chain(llm: BaseChatModel) -> Runnable:
    # The seed's cell 2 (with the canonical import of ChatPromptTemplate).
    return RunnableLambda(lambda x: {"topic": x}) | prompt | llm


def same_prompt_class() -> bool:
    from langchain_classic.prompts import ChatPromptTemplate as SeedImport
    from langchain_core.prompts import ChatPromptTemplate as CanonicalImport

    return SeedImport is CanonicalImport


# --- steps to put after the model ------------------------------------------------------------


def shout(message: AIMessage) -> str:
    # A plain function: gets the whole message, once.
    return message.text.upper()


def shout_words(message: AIMessage) -> Iterator[str]:
    # A generator, but it still receives the whole message at once.
    for word in message.text.split(" "):
        yield word.upper() + " "


def shout_chunks(chunks: Iterator[AIMessageChunk]) -> Iterator[str]:
    # Takes the stream itself: one chunk in, one chunk out.
    for chunk in chunks:
        yield chunk.text.upper()


def add_plain_function(llm: BaseChatModel) -> Runnable:
    return build_seed_chain(llm) | RunnableLambda(shout)


def add_generator_in_lambda(llm: BaseChatModel) -> Runnable:
    return build_seed_chain(llm) | RunnableLambda(shout_words)


def add_runnable_generator(llm: BaseChatModel) -> Runnable:
    return build_seed_chain(llm) | RunnableGenerator(shout_chunks)


def add_bare_generator(llm: BaseChatModel) -> Runnable:
    # `chain | generator_function` is coerced to RunnableGenerator.
    return build_seed_chain(llm) | shout_chunks


def add_str_parser(llm: BaseChatModel) -> Runnable:
    return build_seed_chain(llm) | StrOutputParser()


def add_plain_function_then_parser(llm: BaseChatModel) -> Runnable:
    # The last step streams, but the plain function before it already collapsed the stream.
    return build_seed_chain(llm) | RunnableLambda(shout) | StrOutputParser()


# --- a step before the model -----------------------------------------------------------------


def look_up_topic(question: str) -> dict[str, str]:
    time.sleep(0.3)  # e.g. a database lookup
    return {"topic": question}


def add_slow_step_first(llm: BaseChatModel) -> Runnable:
    return RunnableLambda(look_up_topic) | prompt | llm


VARIANTS = {
    "seed chain (ends in the LLM)": build_seed_chain,
    "+ plain function": add_plain_function,
    "+ RunnableLambda(generator)": add_generator_in_lambda,
    "+ RunnableGenerator": add_runnable_generator,
    "+ bare generator function": add_bare_generator,
    "+ StrOutputParser()": add_str_parser,
    "+ plain function + StrOutputParser()": add_plain_function_then_parser,
    "slow plain step before the LLM": add_slow_step_first,
}
DEFAULT_VARIANTS = [
    "seed chain (ends in the LLM)",
    "+ plain function",
    "+ RunnableLambda(generator)",
    "+ RunnableGenerator",
    "+ plain function + StrOutputParser()",
]
