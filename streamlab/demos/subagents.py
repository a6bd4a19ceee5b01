"""Lesson "Subgraphs and subagents": which lane each part of a nested graph's stream belongs to, and
what the namespaces looked like.

With `subgraphs=True` a part is `(namespace, mode, data)`: the namespace's first element names the
parent's node (`"weather:<task id>"`), so it picks the subagent's lane. Without it, a part is
`(mode, data)` of the parent alone: a subagent's messages come whole, tagged with its node.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from langchain_core.messages import AIMessage, AIMessageChunk

from streamlab.demos.agent_streaming import AgentEvent, AgentTimeline, Described, describe_part, short
from streamlab.recipes.subagents import MODES

__all__ = ["LANES", "PARENT", "SUBAGENTS", "TeamRun", "describe", "lane_of", "pattern"]

SUBAGENTS = ("weather", "clock")
"""The parent graph's nodes, each a whole agent: one lane each, in this order."""
PARENT = "team"
"""The lane of the parent graph's own parts (namespace `()`)."""
LANES = (*SUBAGENTS, PARENT)
_TASK_ID = re.compile(r":[^|]*$")


def lane_of(namespace: tuple[str, ...], mode: str, data: Any) -> str:
    """The lane a part is drawn in: its subagent, or the parent's own lane."""
    if namespace:  # ("weather:<task id>", ...): the first element is the parent's node
        return namespace[0].split(":", 1)[0]
    if mode == "messages":  # without subgraphs=True: a subagent's whole message, tagged with its node
        node = str(data[1].get("langgraph_node", ""))
        return node if node in SUBAGENTS else PARENT
    return PARENT


def pattern(namespace: tuple[str, ...]) -> str:
    """A namespace as it reads without its task ids: `()` or `('weather:<task id>',)`."""
    if not namespace:
        return "()"
    return "(" + ", ".join(f"'{_TASK_ID.sub(':<task id>', n)}'" for n in namespace) + ",)"


def describe(mode: str, data: Any) -> list[Described]:
    """`describe_part`, plus a whole `AIMessage` with tool calls (how a subagent's call arrives
    without subgraphs=True) read as the model step it is."""
    if mode == "messages":
        message, metadata = data
        if (
            isinstance(message, AIMessage)
            and not isinstance(message, AIMessageChunk)
            and message.tool_calls
        ):
            calls = ", ".join(call["name"] for call in message.tool_calls)
            return [("model step", short(f"calls {calls}"), "", str(metadata.get("langgraph_node", "")))]
    return describe_part(mode, data)


@dataclass(slots=True)
class TeamRun:
    """One run of the team: every part stamped on arrival, put in its lane, its namespace counted."""

    timeline: AgentTimeline = field(default_factory=AgentTimeline)
    counts: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    """Parts per (namespace pattern, lane, mode)."""
    examples: dict[str, str] = field(default_factory=dict)
    """The first part of each namespace pattern, as Python prints it (shortened)."""

    def record(self, parts: Iterable[Any], *, subgraphs: bool) -> Iterator[list[AgentEvent]]:
        """For each part (`(namespace, mode, data)`, or `(mode, data)` without subgraphs): the
        events it became, stamped before anything is drawn."""
        self.timeline.start()
        try:
            for part in parts:
                t_ns = self.timeline.clock()
                namespace, mode, data = part if subgraphs else ((), *part)
                lane, key = lane_of(namespace, mode, data), pattern(namespace)
                self.counts[key, lane, mode] += 1
                self.examples.setdefault(key, short(repr(part), 240))
                yield [
                    self.timeline.add(
                        lane, kind, f"{mode} · {label}", text, node, t_ns=t_ns, new_part=i == 0
                    )
                    for i, (kind, label, text, node) in enumerate(describe(mode, data))
                ]
        finally:
            self.timeline.finish()

    def namespaces(self) -> pd.DataFrame:
        """One row per namespace pattern and lane: how many parts of each mode it carried."""
        rows: dict[tuple[str, str], dict[str, Any]] = {}
        for (key, lane, mode), count in self.counts.items():
            row = rows.setdefault(
                (key, lane), {"namespace": key, "lane": lane, **dict.fromkeys(MODES, 0)}
            )
            row[mode] += count
        return pd.DataFrame(list(rows.values()), columns=["namespace", "lane", *MODES])
