"""Lesson "Event streaming v3": the agent of "Streaming an agent" through
`astream_events(version="v3")`, whose typed projections are read side by side, each with its own
cursor; and the same agent through v2's one flat list of `on_*` events, for comparison.

`show(name, item)` is the page's drawing callback: the projection (or v2) an item came from, and
the item itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from langgraph.graph.state import CompiledStateGraph
from langgraph.stream import AsyncGraphRunStream, CustomTransformer
from langgraph.stream.stream_channel import StreamChannel

from streamlab.recipes.agent_streaming import ask

__all__ = [
    "Show",
    "read_custom",
    "read_message",
    "read_messages",
    "read_tool_calls",
    "read_v2",
    "read_values",
    "watch_agent",
]

Show = Callable[[str, Any], None]


async def read_message(message: Any, show: Show) -> None:
    # One model call: its text, reasoning and tool-call chunks, each projection with its own cursor.
    async def read(name: str, projection: Any) -> None:
        async for delta in projection:
            show(name, delta)

    await asyncio.gather(
        read("text", message.text),
        read("reasoning", message.reasoning),
        read("tool_call_chunks", message.tool_calls),
    )
    show("output", await message.output)  # the finished AIMessage


async def read_messages(run: AsyncGraphRunStream, show: Show) -> None:
    async for message in run.messages:  # one ChatModelStream per model call
        await read_message(message, show)


async def read_tool_calls(run: AsyncGraphRunStream, show: Show) -> None:
    async def follow(call: Any) -> None:
        async for delta in call:  # output deltas, for a tool that streams its own output
            show("tool output", delta)
        show("tool finished", call)  # call.output (or call.error) is set now

    async with asyncio.TaskGroup() as calls:
        async for call in run.tool_calls:  # one ToolCallStream per tool run, as it starts
            show("tool started", call)
            calls.create_task(follow(call))


async def read_values(run: AsyncGraphRunStream, show: Show) -> None:
    async for state in run.values:  # the whole state after each step
        show("values", state)


async def read_custom(run: AsyncGraphRunStream, show: Show) -> None:
    custom: StreamChannel[Any] = run.custom  # only there with transformers=[CustomTransformer]
    async for data in custom:  # what the tools wrote with get_stream_writer()
        show("custom", data)


async def watch_agent(agent: CompiledStateGraph, question: str, show: Show) -> dict[str, Any] | None:
    run = await agent.astream_events(ask(question), version="v3", transformers=[CustomTransformer])
    await asyncio.gather(  # four readers at once: none takes items from another
        read_messages(run, show),
        read_tool_calls(run, show),
        read_values(run, show),
        read_custom(run, show),
    )
    return await run.output()  # the final state


async def read_v2(agent: CompiledStateGraph, question: str, show: Show) -> None:
    # One flat list for everything: tell tokens, tools and steps apart by event and run name.
    async for event in agent.astream_events(ask(question), version="v2"):
        show("v2", event)
