"""Lesson "Streaming an agent": a small LangChain 1.x agent with two tools, streamed with
`stream_mode`. The other agent lessons run this same agent (`build_agent`) and its tools.

`get_weather` reports its progress through `get_stream_writer()`, which is what the `custom`
stream mode carries; `get_local_time` answers at once.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import Any

from langchain.agents import create_agent
from langchain_core.language_models import BaseChatModel
from langchain_core.tools import tool
from langgraph.config import get_stream_writer
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import StreamMode

__all__ = ["PROGRESS_PAUSE_S", "ask", "build_agent", "get_local_time", "get_weather", "stream_agent"]

PROGRESS_PAUSE_S = 0.2
"""How long the stand-in weather service takes between two progress reports."""


@tool
def get_weather(city: str) -> str:
    """Get the current weather in a city."""
    write = get_stream_writer()  # what you write here is the `custom` stream mode
    for step in ("Looking up", "Fetching the forecast for", "Got the forecast for"):
        write(f"{step} {city}")
        time.sleep(PROGRESS_PAUSE_S)  # a stand-in for a slow weather API
    return f"Sunny, 21 °C in {city}"


@tool
def get_local_time(city: str) -> str:
    """Get the local time in a city."""
    return f"It is 14:05 in {city}"


def build_agent(llm: BaseChatModel) -> CompiledStateGraph:
    # The 1.x docs pass a name (`model="gpt-5-nano"`); here `llm` is the sidebar's ChatOpenAI.
    return create_agent(llm, tools=[get_weather, get_local_time], system_prompt="Answer briefly.")


def ask(question: str) -> dict[str, Any]:
    # An agent's input is its state: a list of messages.
    return {"messages": [{"role": "user", "content": question}]}


def stream_agent(
    agent: CompiledStateGraph, question: str, modes: Sequence[StreamMode]
) -> Iterator[tuple[str, Any]]:
    if len(modes) == 1:  # one mode: each chunk is that mode's data alone
        for chunk in agent.stream(ask(question), stream_mode=modes[0]):
            yield modes[0], chunk
    else:  # a list of modes: each chunk is a (mode, data) pair
        for mode, chunk in agent.stream(ask(question), stream_mode=list(modes)):
            yield mode, chunk
