"""Take-home driver of "Subgraphs and subagents": two agents as nodes of one graph, streamed with
their namespaces, so each line says which subagent it came from."""

from __future__ import annotations

import time

from streamlab.recipes.subagents import build_team, stream_team, stream_team_flat
from streamlab.take_home.runtime import make_llm, ms_since

QUESTION = "What is the weather and local time in Paris?"
SUBGRAPHS = True  # False: the parent's parts only, each subagent's messages arrive whole


def where(namespace: tuple[str, ...]) -> str:
    # ("weather:<task id>",) → "weather"; () is the parent graph itself
    return namespace[0].split(":", 1)[0] if namespace else "team"


def main() -> None:
    team, start = build_team(make_llm(), make_llm()), time.perf_counter()
    if SUBGRAPHS:
        parts = stream_team(team, QUESTION)  # (namespace, mode, data)
    else:
        parts = (((), *part) for part in stream_team_flat(team, QUESTION))  # (mode, data)
    pieces: dict[str, int] = {}
    for namespace, mode, data in parts:
        lane = where(namespace)
        if mode == "messages":  # (message or chunk, metadata): tokens, or whole messages
            message, metadata = data
            if not namespace:  # the parent's view: the node that sent it is the subagent
                lane = metadata.get("langgraph_node", lane)
            if message.text:
                pieces[lane] = pieces.get(lane, 0) + 1
            continue
        shown = ", ".join(data) if mode == "updates" else data
        print(f"{ms_since(start):8.0f} ms  {lane:<7} [{mode}] {shown}")
    print(f"\nmessage parts with text, per subagent: {pieces}")
