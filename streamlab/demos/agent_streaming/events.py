"""What one piece of an agent's stream is, in the lesson's words: a model step, a tool-call chunk,
a tool result, an answer token, a progress report or a state snapshot.

`describe_part(mode, data)` reads a `stream_mode` part as LangGraph yields it (updates, messages,
custom, values); the v3 projections of "Event streaming v3" describe their items with the same
kinds, so both lessons draw and count them alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, ToolMessage

__all__ = [
    "KINDS",
    "MODES",
    "AgentEvent",
    "Described",
    "Kind",
    "describe_message",
    "describe_part",
    "reasoning_text",
    "short",
]

Kind = Literal[
    "model step",
    "tool-call chunk",
    "tool result",
    "reasoning token",
    "answer token",
    "progress",
    "state",
    "interrupt",
    "step",
    "empty chunk",
]
KINDS: tuple[Kind, ...] = get_args(Kind)  # in the order they are drawn
MODES = ("updates", "messages", "custom", "values")
"""The stream modes the lesson compares, in the order it draws their lanes."""
LABEL_CHARS = 90


@dataclass(frozen=True, slots=True)
class AgentEvent:
    """One thing a lane showed: when it arrived, and what it was."""

    t_ms: float
    """Milliseconds since the run started, read when the part arrived (before any drawing)."""
    lane: str
    """The stream mode (or v3 projection) that carried it."""
    kind: Kind
    label: str
    """A short plain-text line for the lane and the timeline's hover."""
    text: str = ""
    """The answer (or reasoning) text it carried; "" for everything else."""
    part: int = 0
    """Index of the stream part it came from (an update of two nodes is one part, two events)."""
    node: str = ""
    """The graph node behind it, when the part says (`model`, `tools`…)."""


Described = tuple[Kind, str, str, str]
"""(kind, label, text, node): an `AgentEvent` before it has a time and a lane."""


def short(value: object, limit: int = LABEL_CHARS) -> str:
    """One line of at most `limit` characters."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def reasoning_text(message: BaseMessage) -> str:
    """The reasoning (thinking summary) text a message carries, from its standard content blocks."""
    if isinstance(message.content, str):
        return ""  # chat-completions chunks carry text only; reasoning comes as content blocks
    return "".join(
        str(block.get("reasoning", ""))
        for block in message.content_blocks
        if block["type"] == "reasoning"
    )


def _calls(message: AIMessage) -> str:
    return ", ".join(
        f"{c['name']}({', '.join(f'{k}={v!r}' for k, v in c['args'].items())})"
        for c in message.tool_calls
    )


def describe_message(message: BaseMessage, node: str = "") -> Described:
    """A `messages`-mode token: tool-call chunk, tool result, reasoning, answer text or empty."""
    if isinstance(message, ToolMessage):
        return "tool result", short(f"{message.name} → {message.text}"), "", node
    if isinstance(message, AIMessageChunk) and message.tool_call_chunks:
        pieces = " ".join(
            f"{c.get('name') or ''} {c.get('args') or ''}".strip() for c in message.tool_call_chunks
        )
        return "tool-call chunk", short(pieces), "", node
    if thought := reasoning_text(message):
        return "reasoning token", short(repr(thought)), thought, node
    if text := message.text:
        return "answer token", short(repr(text)), text, node
    return "empty chunk", "(no text: role, finish reason or usage)", "", node


def _describe_update(node: str, update: Any) -> Described:
    messages = update.get("messages", []) if isinstance(update, Mapping) else []
    last = messages[-1] if messages else None
    if node == "__interrupt__":
        return "interrupt", short(f"interrupt: {update}"), "", node
    if isinstance(last, AIMessage) and last.tool_calls:
        return "model step", short(f"{node}: calls {_calls(last)}"), "", node
    if isinstance(last, AIMessage):
        return "model step", short(f"{node}: answers {last.text!r}"), "", node
    if isinstance(last, ToolMessage):
        return "tool result", short(f"{node}: {last.name} → {last.text}"), "", node
    return "step", short(f"{node}: {update!r}" if update else node), "", node


def _describe_state(state: Any) -> Described:
    messages = state.get("messages", []) if isinstance(state, Mapping) else []
    last = type(messages[-1]).__name__ if messages else "none"
    return "state", f"{len(messages)} message{'s' * (len(messages) != 1)} (last: {last})", "", ""


def describe_part(mode: str, data: Any) -> list[Described]:
    """What one `stream_mode` part holds, as the lesson names it (an update may hold several nodes)."""
    if mode == "messages":
        message, metadata = data
        return [describe_message(message, str(metadata.get("langgraph_node", "")))]
    if mode == "updates":
        return [_describe_update(str(node), update) for node, update in data.items()]
    if mode == "custom":
        return [("progress", short(data), "", "")]
    if mode == "values":
        return [_describe_state(data)]
    return [("step", short(data), "", "")]
