"""Lesson "Streaming tool calls": partial-JSON arguments, summed into a call, then run."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from langchain_core.language_models import LanguageModelInput
from langchain_core.messages import AIMessageChunk, BaseMessage, HumanMessage, ToolMessage
from langchain_core.runnables import Runnable
from langchain_core.tools import tool
from langchain_openai import ChatOpenAI


@tool
def get_weather(city: str, days: int = 1) -> str:
    """Weather forecast for a city over the next few days."""
    # A stand-in for a real weather API: no network, the same answer every time.
    return f"{city}: sunny, 21 °C, for the next {days} day(s)."


def bind_weather_tool(llm: ChatOpenAI) -> Runnable[LanguageModelInput, BaseMessage]:
    # Sends the tool's JSON schema with every request; the model may answer with a call.
    return llm.bind_tools([get_weather])


def stream_tool_call(llm_with_tools: Runnable, question: str) -> Iterator[AIMessageChunk]:
    return llm_with_tools.stream(question)


def add_up(chunks: Iterable[AIMessageChunk]) -> AIMessageChunk:
    total, *rest = chunks
    for chunk in rest:
        # `+` joins the args strings of the same tool-call index, then parses the JSON.
        total += chunk
    return total


def run_tool_calls(message: AIMessageChunk) -> list[ToolMessage]:
    # Invoking a tool with the whole tool-call dict returns a ToolMessage with its id.
    return [get_weather.invoke(call) for call in message.tool_calls]


def stream_final_answer(
    llm_with_tools: Runnable, question: str, call: AIMessageChunk, results: Sequence[ToolMessage]
) -> Iterator[AIMessageChunk]:
    # The model sees its own call and the tool's result, then answers in text.
    return llm_with_tools.stream([HumanMessage(question), call, *results])
