"""Event streaming v3 next to v2, in the agent lessons' words: which lane each item belongs to,
what kind of piece it is, and what the installed versions say about v3 (warnings, projections).

v3 items come from the typed projections read in `streamlab.recipes.agent_events` (named by the
reader that got them); v2 items are `on_*` events. Both become `AgentEvent`s on an
`AgentTimeline`, so the page draws, counts and plots them like the stream modes of lesson 16.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Mapping
from typing import Any

from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage

from streamlab.demos.agent_streaming import Described, describe_message, describe_part, short

__all__ = [
    "PACKAGES",
    "V2_LANE",
    "V3_LANES",
    "describe_v2",
    "describe_v3",
    "installed_versions",
    "v3_lane",
]

V3_LANES = ("messages", "tool_calls", "values", "custom")
"""The projections the lesson reads, in the order it draws their lanes."""
V2_LANE = "v2"
PACKAGES = ("langchain", "langgraph", "langchain-core")
_LANE_OF = {
    "text": "messages",
    "reasoning": "messages",
    "tool_call_chunks": "messages",
    "output": "messages",
    "tool started": "tool_calls",
    "tool output": "tool_calls",
    "tool finished": "tool_calls",
    "values": "values",
    "custom": "custom",
}


def installed_versions() -> dict[str, str]:
    """The versions whose behaviour the page shows (v3 is experimental: it may change with them)."""
    return {name: importlib.metadata.version(name) for name in PACKAGES}


def v3_lane(name: str) -> str:
    """The lane (projection) a v3 reader's item is drawn in."""
    return _LANE_OF.get(name, name)


def _answered(message: BaseMessage) -> str:
    if isinstance(message, AIMessage) and message.tool_calls:
        return "calls " + ", ".join(call["name"] for call in message.tool_calls)
    return f"answers {message.text!r}"


def describe_v3(name: str, item: Any) -> Described:
    """One item a v3 reader got: `name` is what the reader calls it (see `read_message`...)."""
    if name == "text":
        return "answer token", short(repr(item)), str(item), "model"
    if name == "reasoning":
        return "reasoning token", short(repr(item)), str(item), "model"
    if name == "tool_call_chunks":
        label = f"{item.get('name') or ''} {item.get('args') or ''}".strip()
        return "tool-call chunk", short(label), "", "model"
    if name == "output":  # the AIMessage; its content is a list of content blocks in v3
        return "model step", short(f"output: {_answered(item)}"), "", "model"
    if name == "tool started":
        return "step", short(f"{item.tool_name} started with {item.input}"), "", "tools"
    if name == "tool output":
        return "progress", short(item), "", "tools"
    if name == "tool finished":
        outcome = f"failed: {item.error}" if item.error else str(item.output)
        return "tool result", short(f"{item.tool_name} → {outcome}"), "", "tools"
    if name == "values":
        return describe_part("values", item)[0]
    if name == "custom":
        return describe_part("custom", item)[0]
    return "step", short(f"{name}: {item!r}"), "", ""


def describe_v2(event: Mapping[str, Any]) -> Described:
    """One `on_*` event of `astream_events(version="v2")`."""
    kind, name, data = event["event"], event["name"], event.get("data", {})
    node = str(event.get("metadata", {}).get("langgraph_node", ""))
    if kind == "on_chat_model_stream" and isinstance(data.get("chunk"), AIMessageChunk):
        return describe_message(data["chunk"], node)
    if kind == "on_chat_model_end" and isinstance(data.get("output"), BaseMessage):
        return "model step", short(f"{kind}: {_answered(data['output'])}"), "", node
    if kind == "on_tool_end":
        output = data.get("output")
        shown = output.text if isinstance(output, BaseMessage) else output
        return "tool result", short(f"{kind} {name} → {shown}"), "", node
    return "step", short(f"{kind} {name}"), "", node
