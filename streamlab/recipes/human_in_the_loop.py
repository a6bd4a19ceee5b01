"""Lesson "Human in the loop while streaming": the agent of "Streaming an agent" with one more tool,
`book_table`, that a person must approve, edit or reject before it runs.

`HumanInTheLoopMiddleware` pauses the agent with a LangGraph `interrupt`: the stream yields the
interrupt and ends. The run waits in the checkpointer, under its `thread_id`, until
`Command(resume=...)` brings the person's decisions; then it streams on from where it stopped.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from langchain.agents import create_agent
from langchain.agents.middleware import HumanInTheLoopMiddleware
from langchain.agents.middleware.human_in_the_loop import Decision
from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import RunnableConfig
from langchain_core.tools import tool
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command, Interrupt, StreamMode

from streamlab.recipes.agent_streaming import ask, get_weather

__all__ = [
    "MODES",
    "approve",
    "ask_agent",
    "book_table",
    "build_careful_agent",
    "edit",
    "reject",
    "resume_agent",
    "waiting_for",
]

MODES: list[StreamMode] = ["updates", "messages", "custom"]


@tool
def book_table(city: str, guests: int) -> str:
    """Book a table at a restaurant in a city."""
    return f"Booked a table for {guests} in {city}"


def build_careful_agent(llm: BaseChatModel, checkpointer: BaseCheckpointSaver) -> CompiledStateGraph:
    # book_table waits for a person; get_weather runs freely. The paused run lives in `checkpointer`.
    gate = HumanInTheLoopMiddleware(
        interrupt_on={"book_table": {"allowed_decisions": ["approve", "edit", "reject"]}}
    )
    return create_agent(
        llm, tools=[get_weather, book_table], middleware=[gate], checkpointer=checkpointer
    )


def ask_agent(agent: CompiledStateGraph, question: str, thread: str) -> Iterator[Any]:
    # (mode, data) pairs until the agent answers, or until a gated call interrupts it: then it ends.
    config: RunnableConfig = {"configurable": {"thread_id": thread}}
    return agent.stream(ask(question), config, stream_mode=MODES)


def waiting_for(agent: CompiledStateGraph, thread: str) -> tuple[Interrupt, ...]:
    # What the paused run asks for (nothing once it has finished).
    return agent.get_state({"configurable": {"thread_id": thread}}).interrupts


def resume_agent(agent: CompiledStateGraph, decisions: Sequence[Decision], thread: str) -> Iterator[Any]:
    # One decision per gated call, in the order of the interrupt's action_requests.
    config: RunnableConfig = {"configurable": {"thread_id": thread}}
    answer: Command[Any] = Command(resume={"decisions": list(decisions)})
    return agent.stream(answer, config, stream_mode=MODES)  # on from where it paused


def approve() -> Decision:
    return {"type": "approve"}


def edit(name: str, args: dict[str, Any]) -> Decision:
    return {"type": "edit", "edited_action": {"name": name, "args": args}}


def reject(message: str) -> Decision:
    return {"type": "reject", "message": message}
