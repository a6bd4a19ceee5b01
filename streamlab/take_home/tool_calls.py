"""Take-home driver of "Streaming tool calls": partial-JSON arguments, summed, run, then answered."""

from __future__ import annotations

from streamlab.recipes.tool_calls import (
    add_up,
    bind_weather_tool,
    run_tool_calls,
    stream_final_answer,
    stream_tool_call,
)
from streamlab.take_home.runtime import make_llm

QUESTION = "What's the weather in San Francisco for the next 3 days?"
# The page slows the simulator down for the tool call, so the arguments visibly grow.
ARGS_SIM = {"ttft_ms": 300, "tokens_per_s": 12}


def main() -> None:
    llm_with_tools = bind_weather_tool(make_llm(sim=ARGS_SIM))
    chunks = []
    for chunk in stream_tool_call(llm_with_tools, QUESTION):
        chunks.append(chunk)
        for piece in chunk.tool_call_chunks:
            print(f"args piece: {piece['args']!r}")  # a raw slice of a JSON string
    call = add_up(chunks)
    print(f"summed: {call.tool_calls}")
    results = run_tool_calls(call)
    for result in results:
        print(f"tool result: {result.content}")
    answer = bind_weather_tool(make_llm())
    for chunk in stream_final_answer(answer, QUESTION, call, results):
        print(chunk.text, end="", flush=True)
    print()
