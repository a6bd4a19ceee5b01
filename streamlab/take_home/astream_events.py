"""Take-home driver of "astream_events": every event of the seed's chain, stamped on arrival."""

from __future__ import annotations

import asyncio
import time
import warnings
from typing import Any, Literal

from streamlab.recipes.astream_events import build_seed_chain, prompt
from streamlab.take_home.runtime import make_llm, ms_since

QUESTION = "Explain streaming"
VERSION: Literal["v1", "v2", "v3"] = (
    "v2"  # "v1" is deprecated (it warns); "v3" (beta) runs the chat model alone
)
FILTERS: dict[str, Any] = {}  # include_names / include_types / include_tags, combined with OR


async def print_events() -> None:
    llm, version = make_llm(), VERSION
    start = time.perf_counter()
    if version == "v3":  # content-block protocol events, chat models only, no filters
        events = await llm.astream_events(prompt.format(topic=QUESTION), version="v3")
        async for protocol_event in events:
            print(f"{ms_since(start):8.1f} ms  {protocol_event['event']}")
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        chain = build_seed_chain(llm)
        async for event in chain.astream_events(QUESTION, version=version, **FILTERS):
            chunk = event["data"].get("chunk")
            text = getattr(chunk, "content", "") if chunk is not None else ""
            print(f"{ms_since(start):8.1f} ms  {event['event']:<22} {event['name']:<20} {text!r}")
    for warning in caught:
        print(f"warning: {warning.category.__name__}: {warning.message}")


def main() -> None:
    asyncio.run(print_events())
