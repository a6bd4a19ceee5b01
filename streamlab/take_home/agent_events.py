"""Take-home driver of "Event streaming v3": the agent through v3's projections, then through v2."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from streamlab.recipes.agent_events import read_v2, watch_agent
from streamlab.recipes.agent_streaming import build_agent
from streamlab.take_home.runtime import make_llm, ms_since

QUESTION = "What is the weather and local time in Paris?"
# The simulator's reasoning model on the Responses API, so that `.reasoning` has something to read.
REASONING = False
REASONING_OPTIONS: dict[str, Any] = {
    "use_responses_api": True,
    "reasoning": {"effort": "low", "summary": "auto"},
}


def short(item: Any) -> str:
    text = item if isinstance(item, str) else repr(item)
    return text if len(text) <= 90 else text[:89] + "…"


async def both_ways() -> None:
    options: dict[str, Any] = REASONING_OPTIONS if REASONING else {}
    model = "sim-reasoning" if REASONING else None
    start = time.perf_counter()

    def show(name: str, item: Any) -> None:  # what each v3 projection yields, as it comes
        print(f"{ms_since(start):8.0f} ms  [{name}] {short(item)}")

    final = await watch_agent(build_agent(make_llm(sim_model=model, **options)), QUESTION, show)
    print(f"final state: {len((final or {}).get('messages', []))} messages\n--- the same agent, v2 ---")
    start = time.perf_counter()

    def show_v2(_: str, event: Any) -> None:  # one flat list: keep the milestones
        if event["event"] in ("on_chat_model_start", "on_tool_start", "on_tool_end", "on_chain_end"):
            print(f"{ms_since(start):8.0f} ms  {event['event']:<20} {event['name']}")

    await read_v2(build_agent(make_llm(sim_model=model, **options)), QUESTION, show_v2)


def main() -> None:
    asyncio.run(both_ways())
