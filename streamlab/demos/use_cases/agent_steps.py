"""Turn an agent's `astream_events` into the steps a status display shows.

An agent UI ("Searching…", "Calling lookup_term…", then the answer token by token) is
`astream_events` filtered down to a handful of events. `AgentTrace.apply` keeps that mapping
UI-free: each event becomes a new step, more tool-call arguments, more answer text, or nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from langchain_core.runnables.schema import StreamEvent

from streamlab.measure.recorder import chunk_text
from streamlab.recipes.use_cases import CHOOSE_TOOL, WRITE_ANSWER

__all__ = ["CHOOSING", "AgentTrace", "Step", "Update"]

Update = Literal["step", "args", "answer"]
DETAIL_CHARS = 120
CHOOSING = ":material/psychology:"  # the step the tool-call arguments stream in under


@dataclass(frozen=True, slots=True)
class Step:
    icon: str  # a Material icon, e.g. ":material/search:"
    label: str
    detail: str = ""

    @property
    def line(self) -> str:
        return f"{self.icon} {self.label}" + (f": {self.detail}" if self.detail else "")


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= DETAIL_CHARS else text[: DETAIL_CHARS - 1] + "…"


@dataclass(slots=True)
class AgentTrace:
    """What the agent has shown so far: finished steps, the tool arguments, the answer."""

    steps: list[Step] = field(default_factory=list)
    tool_args: str = ""  # the chosen tool's arguments, as streamed partial JSON
    answer: str = ""
    done: bool = False

    def apply(self, event: StreamEvent) -> Update | None:
        kind, name, data = event["event"], event["name"], event.get("data", {})
        if kind == "on_chat_model_stream":
            return self._stream(name, data.get("chunk"))
        step = self._step(kind, name, data, bool(event.get("parent_ids")))
        if step is None:
            return None
        self.steps.append(step)
        return "step"

    def _stream(self, name: str, chunk: Any) -> Update | None:
        if name == CHOOSE_TOOL:
            pieces = [c.get("args") or "" for c in getattr(chunk, "tool_call_chunks", [])]
            self.tool_args += "".join(pieces)
            return "args" if any(pieces) else None
        if name == WRITE_ANSWER and (piece := chunk_text(chunk)):
            self.answer += piece
            return "answer"
        return None

    def _step(self, kind: str, name: str, data: Mapping[str, Any], nested: bool) -> Step | None:
        if kind == "on_retriever_start":
            query = data.get("input", {}).get("query", "")
            return Step(":material/search:", f"Searching the notes for {_short(query)}")
        if kind == "on_retriever_end":
            docs = data.get("output") or []
            text = " ".join(doc.page_content for doc in docs)
            return Step(":material/description:", f"Found {len(docs)} note(s)", _short(text))
        if kind == "on_chat_model_start" and name == CHOOSE_TOOL:
            return Step(CHOOSING, "Choosing a tool")
        if kind == "on_chat_model_start" and name == WRITE_ANSWER:
            return Step(":material/edit:", "Writing the answer")
        if kind == "on_tool_start":
            return Step(":material/build:", f"Calling {name}", _short(data.get("input", {})))
        if kind == "on_tool_end":
            return Step(
                ":material/check_circle:", f"{name} returned", _short(chunk_text(data.get("output", "")))
            )
        if kind == "on_chain_end" and not nested:
            self.done = True
            return Step(":material/flag:", "Done")
        return None

    @property
    def label(self) -> str:
        """The status label: the latest step, or the final state."""
        if self.done:
            return "Answered"
        return self.steps[-1].label + "…" if self.steps else "Starting…"
