"""Lesson "Subgraphs and subagents": two agents as the nodes of a parent graph, run side by side.

Each subagent is a whole `create_agent` graph with its own tool, so inside the parent it is a
subgraph. `stream(..., subgraphs=True)` then says where each part came from: its namespace,
`()` for the parent, `("weather:<task id>",)` for what happened inside the weather agent.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from langchain.agents import create_agent
from langchain_core.language_models import BaseChatModel
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import StreamMode

from streamlab.recipes.agent_streaming import ask, get_local_time, get_weather

__all__ = ["MODES", "build_team", "stream_team", "stream_team_flat"]

MODES: list[StreamMode] = ["updates", "messages", "custom"]


def build_team(weather_llm: BaseChatModel, clock_llm: BaseChatModel) -> CompiledStateGraph:
    weather = create_agent(weather_llm, tools=[get_weather], name="weather_agent")
    clock = create_agent(clock_llm, tools=[get_local_time], name="time_agent")
    team = StateGraph(MessagesState)
    team.add_node("weather", weather)  # a compiled agent as a node: a subgraph
    team.add_node("clock", clock)
    team.add_edge(START, "weather")
    team.add_edge(START, "clock")  # two edges from START: both subagents start at once
    team.add_edge("weather", END)
    team.add_edge("clock", END)
    return team.compile()


def stream_team(team: CompiledStateGraph, question: str) -> Iterator[Any]:
    # (namespace, mode, data): () is the parent graph, ("weather:<task id>",) the weather agent.
    return team.stream(ask(question), stream_mode=MODES, subgraphs=True)


def stream_team_flat(team: CompiledStateGraph, question: str) -> Iterator[Any]:
    # (mode, data) of the parent graph only: each subagent shows up once it has finished.
    return team.stream(ask(question), stream_mode=MODES)
