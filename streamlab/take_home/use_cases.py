"""Take-home driver of "Use cases": a chat reply (with Stop), agent status lines, a long article."""

from __future__ import annotations

import asyncio
import time
from contextlib import closing

from streamlab.client.providers import ProviderConfig
from streamlab.demos.parallel import branch_sims
from streamlab.recipes.use_cases import (
    CHOOSE_TOOL,
    WRITE_ANSWER,
    agent_events,
    build_agent,
    build_chat,
    stream_article,
    stream_reply,
)
from streamlab.take_home.runtime import make_llm, ms_since

CHAT_QUESTION = "Explain streaming runnables"
STOP_AFTER = 0  # stop the chat reply after this many chunks with text (0: let it finish)
AGENT_QUESTION = "What is RAG?"
ARTICLE_TOPIC = "streaming runnables"
ARTICLE_MAX_TOKENS = 400
# The article comes from the simulator's slower model: 4× the sidebar's TTFT, 0.4× its speed.
ARTICLE_SIM = {"ttft_ms": 600.0, "tokens_per_s": 32.0}


def chat_turn() -> None:
    chat, shown = build_chat(make_llm()), 0
    # closing(): leaving the loop early closes the stream, so the HTTP response ends at once.
    with closing(stream_reply(chat, [], CHAT_QUESTION)) as reply:  # type: ignore[type-var]
        for chunk in reply:
            print(chunk.text, end="", flush=True)
            shown += bool(chunk.text)
            if STOP_AFTER and shown >= STOP_AFTER:
                print(" (stopped)", end="")
                break
    print()


async def agent_status() -> None:
    agent, start = build_agent(make_llm()), time.perf_counter()
    async for event in agent_events(agent, AGENT_QUESTION):
        kind, name = event["event"], event["name"]
        if kind in ("on_retriever_start", "on_tool_start") or (
            kind == "on_chat_model_start" and name in (CHOOSE_TOOL, WRITE_ANSWER)
        ):
            print(f"{ms_since(start):8.0f} ms  status: {kind.removeprefix('on_')} {name}")
        elif kind == "on_chat_model_stream" and name == WRITE_ANSWER:
            print(event["data"]["chunk"].text, end="", flush=True)
    print()


def main() -> None:
    print("--- chat ---")
    chat_turn()
    print("--- agent steps ---")
    asyncio.run(agent_status())
    print("--- long-form ---")
    llm = make_llm(sim_model="sim-detailed", sim=ARTICLE_SIM, max_tokens=ARTICLE_MAX_TOKENS)
    start, words, last = time.perf_counter(), 0, None
    for chunk in stream_article(llm, ARTICLE_TOPIC):
        print(chunk.text, end="", flush=True)
        words += chunk.text.count(" ")
        last = chunk.response_metadata.get("finish_reason") or last
    seconds = ms_since(start) / 1000
    print(
        f"\n\n~{words} words in {seconds:.1f} s ({words / seconds:.0f} words/s), finish_reason={last!r}"
    )


def from_provider(config: ProviderConfig) -> dict[str, object]:
    """The article's slower latency, as the page derives it from the sidebar's profile."""
    return {"ARTICLE_SIM": branch_sims(config.profile)["detailed"]}
