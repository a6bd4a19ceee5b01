"""Lesson "Takeaways": the seed's "enabled at the LLM level", checked on four small chains.

Nothing is switched on anywhere (no `streaming=True`); what decides whether the text streams
is whether every step *after* the model can pass chunks on.
"""

from __future__ import annotations

from langchain_core.messages import AIMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import Runnable
from langchain_openai import ChatOpenAI

from streamlab.measure.recorder import chunk_text


def build_llm_alone(llm: ChatOpenAI) -> Runnable:
    return llm  # `streaming` left unset


def build_prompt_first(llm: ChatOpenAI) -> Runnable:
    return ChatPromptTemplate.from_template("{question}") | llm  # a step before the model


def build_with_parser(llm: ChatOpenAI) -> Runnable:
    return llm | StrOutputParser()  # a parser after the model passes chunks on


def message_text(message: AIMessage) -> str:
    return message.text


def build_with_plain_function(llm: ChatOpenAI) -> Runnable:
    return llm | message_text  # a plain function after the model waits for the whole message


def count_text_chunks(chain: Runnable, question: str) -> int:
    return sum(1 for chunk in chain.stream(question) if chunk_text(chunk))


CHAINS = {
    "llm (streaming unset)": build_llm_alone,
    "prompt | llm": build_prompt_first,
    "llm | StrOutputParser()": build_with_parser,
    "llm | plain function": build_with_plain_function,
}
