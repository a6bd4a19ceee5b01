"""Lesson "From the seed to LangChain 1.x": each streaming idea of the seed next to its agent-era
form, on the agent of "Streaming an agent"; and the seed's FastAPI route, redone for an agent as
Server-Sent Events (`token` and `step` events), with the client that reads them.

The chat server of "Streaming + FastAPI" serves `chat_agent_sse` at `/agent/sse`, so the code the
page shows is the code that answers its request.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

import httpx
from langchain_core.messages import AIMessageChunk
from langchain_core.runnables import Runnable, RunnableConfig
from langgraph.graph.state import CompiledStateGraph
from sse_starlette import EventSourceResponse

from streamlab.recipes.agent_streaming import ask

__all__ = [
    "MAX_STEPS",
    "agent_sse_events",
    "chat_agent_sse",
    "read_agent_sse",
    "step_data",
    "stream_steps",
    "stream_tokens",
]

MAX_STEPS = 12
"""How many graph steps one request may take: a model that keeps calling tools is cut off."""


def stream_tokens(agent: CompiledStateGraph, question: str) -> Iterator[Any]:
    # `llm.stream(q)` for an agent: (token, metadata) for every token of every model call,
    # and for each tool result; metadata["langgraph_node"] says which node sent it.
    yield from agent.stream(ask(question), stream_mode="messages")


def stream_steps(agent: CompiledStateGraph, question: str) -> Iterator[dict[str, Any]]:
    # `chain.stream(x)` for an agent: one {node: update} per step, when the step is done.
    yield from agent.stream(ask(question), stream_mode="updates")


def step_data(node: str, update: Any) -> str:
    # What a browser needs of a step: which node, the tools it asked for, its text.
    last = update["messages"][-1] if isinstance(update, Mapping) and update.get("messages") else None
    calls = [call["name"] for call in getattr(last, "tool_calls", [])]
    return json.dumps({"node": node, "tool_calls": calls, "text": last.text if last else ""})


async def agent_sse_events(agent: Runnable, q: str) -> AsyncIterator[dict[str, str]]:
    limits: RunnableConfig = {"recursion_limit": MAX_STEPS}
    try:
        async for mode, data in agent.astream(ask(q), limits, stream_mode=["messages", "updates"]):
            if mode == "messages" and isinstance(data[0], AIMessageChunk) and data[0].text:
                yield {"event": "token", "data": json.dumps(data[0].text)}
            elif mode == "updates" and isinstance(data, dict):  # {node: update}
                for node, update in data.items():
                    yield {"event": "step", "data": step_data(node, update)}
    except Exception as exc:  # the 200 status line is already sent: say it in the stream
        yield {"event": "error", "data": json.dumps(f"{type(exc).__name__}: {exc}")}
        return
    yield {"event": "end", "data": json.dumps("done")}


def chat_agent_sse(agent: Runnable, q: str) -> EventSourceResponse:
    # The seed's StreamingResponse, for an agent: typed events the browser can tell apart.
    return EventSourceResponse(agent_sse_events(agent, q))


def read_agent_sse(url: str, params: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    # A small SSE client: "event:" names the "data:" line after it; a blank line ends the event.
    with httpx.stream("GET", url, params=dict(params), timeout=60) as response:
        response.raise_for_status()
        event = "message"
        for line in response.iter_lines():
            if line.startswith("event:"):
                event = line.removeprefix("event:").strip()
            elif line.startswith("data:"):
                yield event, json.loads(line.removeprefix("data:"))
            elif not line:
                event = "message"
