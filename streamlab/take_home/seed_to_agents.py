"""Take-home driver of "From the seed to LangChain 1.x": the agent's tokens, its steps, and the
seed's FastAPI route redone for an agent as Server-Sent Events, served and read locally."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn
from fastapi import FastAPI

from streamlab.recipes.agent_streaming import build_agent
from streamlab.recipes.seed_to_agents import chat_agent_sse, read_agent_sse, stream_steps, stream_tokens
from streamlab.take_home.runtime import make_llm, ms_since

QUESTION = "What is the weather and local time in Paris?"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    agent = build_agent(make_llm())
    print("`llm.stream(q)` for an agent: the answer's tokens (stream_mode='messages')")
    for token, metadata in stream_tokens(agent, QUESTION):
        if metadata.get("langgraph_node") == "model" and token.text:
            print(token.text, end="", flush=True)
    print("\n`chain.stream(x)` for an agent: one update per step (stream_mode='updates')")
    for step in stream_steps(agent, QUESTION):
        print(f"  step done: {', '.join(step)}")

    app = FastAPI()
    app.get("/agent/sse")(lambda q: chat_agent_sse(agent, q))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    print("The seed's route, for an agent: GET /agent/sse (token / step / end events)")
    start = time.perf_counter()
    for event, data in read_agent_sse(f"http://127.0.0.1:{port}/agent/sse", {"q": QUESTION}):
        print(f"{ms_since(start):8.0f} ms  {event:<6} {data}")
    server.should_exit = True
    thread.join()
