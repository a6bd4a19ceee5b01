"""Take-home driver of "Streaming an agent": the agent's loop through the picked stream modes."""

from __future__ import annotations

import time

from langgraph.types import StreamMode

from streamlab.recipes.agent_streaming import build_agent, stream_agent
from streamlab.take_home.runtime import make_llm, ms_since

QUESTION = "What is the weather and local time in Paris?"
MODES: list[StreamMode] = ["messages", "updates", "custom", "values"]


def main() -> None:
    agent, start, answering = build_agent(make_llm()), time.perf_counter(), False
    for mode, data in stream_agent(agent, QUESTION, MODES):
        if mode == "messages":  # (AIMessageChunk or ToolMessage, metadata), token by token
            message, metadata = data
            if metadata.get("langgraph_node") == "model" and message.text:
                if not answering:
                    print(f"{ms_since(start):8.0f} ms  [messages] ", end="")
                print(message.text, end="", flush=True)
                answering = True
            continue
        if answering:
            print()
            answering = False
        if mode == "updates":  # {node: update} after each step
            print(f"{ms_since(start):8.0f} ms  [updates] step done: {', '.join(data)}")
        elif mode == "custom":  # what a tool passed to get_stream_writer()
            print(f"{ms_since(start):8.0f} ms  [custom] {data}")
        else:  # values: the whole state
            print(f"{ms_since(start):8.0f} ms  [{mode}] {len(data['messages'])} messages in the state")
    print()
