"""Lesson "Reasoning tokens": which models think, how a run's thoughts and answer are timed, and
what the effort changes.

A run is stamped on an `AgentTimeline` (the agent lessons' recorder) as reasoning and answer
tokens (`ThinkingRun`), so its two first-token times, its arrival curves and its layers come from
one clock.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from langchain_core.callbacks import get_usage_metadata_callback
from langchain_core.language_models import BaseChatModel

from streamlab.demos.agent_streaming import AgentEvent, AgentTimeline, Kind, short
from streamlab.measure.recorder import StreamRecorder
from streamlab.recipes.reasoning import Piece, stream_thinking, thinking

__all__ = [
    "ANSWER",
    "EFFORTS",
    "KINDS",
    "LANE",
    "SIM_MODELS",
    "THOUGHTS",
    "EffortRow",
    "ThinkingRun",
    "arrival_frame",
    "compare_efforts",
    "latest_heading",
    "model_choices",
    "reasoning_tokens",
]

SIM_MODELS = ("sim-reasoning", "o4-mini", "gpt-5-nano")
"""Reasoning models the simulator serves on its Responses API (the last two are OpenAI's names)."""
OPENAI_MODELS = ("gpt-5-nano", "o4-mini")
EFFORTS = ("low", "medium", "high")
"""Every reasoning model takes these (`minimal` only some: o4-mini refuses it, as OpenAI does)."""
LANE = "model"  # the timeline's one lane: a single model call
THOUGHTS, ANSWER = "thoughts", "answer"  # the two texts drawn, each timed in three layers
KINDS: dict[Piece, Kind] = {"thought": "reasoning token", "answer": "answer token"}
_HEADING = re.compile(r"\*\*([^*\n]{1,80})\*\*")
_UNSAFE = re.compile(r"[^\w\s,.;'’?-]|_")


def model_choices(provider_kind: str, sidebar_model: str) -> tuple[str, ...]:
    """The models to offer: the simulator's reasoning models, OpenAI's small ones, or the sidebar's."""
    if provider_kind == "embedded":
        return SIM_MODELS
    if provider_kind == "openai":
        return OPENAI_MODELS
    return (sidebar_model,)  # any other server: the learner knows which of its models reasons


@dataclass(slots=True)
class ThinkingRun:
    """One reasoning model call, stamped on arrival: every piece on an `AgentTimeline` (for the
    metrics and the chart), and each text on a `StreamRecorder` of its own with the same stamp
    (what the three-layer timing reads as "received by LangChain")."""

    timeline: AgentTimeline = field(default_factory=AgentTimeline)
    recorders: dict[str, StreamRecorder] = field(default_factory=dict)

    def start(self) -> None:
        self.timeline.start()
        for text in (THOUGHTS, ANSWER):
            self.recorders[text] = StreamRecorder(label=text, clock=self.timeline.clock)
            self.recorders[text].start_ns = self.timeline.start_ns

    def stamp(self, piece: Piece, text: str) -> AgentEvent:
        """Record one piece of the stream, arrived now."""
        if not self.recorders:
            self.start()
        t_ns = self.timeline.clock()
        self.recorders[THOUGHTS if piece == "thought" else ANSWER].record(text, t_ns)
        return self.timeline.add(LANE, KINDS[piece], short(repr(text)), text, t_ns=t_ns)

    def first_ms(self, piece: Piece) -> float | None:
        return self.timeline.first_ms(LANE, KINDS[piece])


def latest_heading(thoughts: str) -> str | None:
    """The last bold heading of a summary so far (`**Weighing the options**`), as chat UIs show
    it: words and plain punctuation only, so a label never renders the model's Markdown."""
    found = [_UNSAFE.sub("", heading).strip() for heading in _HEADING.findall(thoughts)]
    return found[-1] if found and found[-1] else None


def reasoning_tokens(usage: Mapping[str, Mapping[str, Any]]) -> int | None:
    """Hidden reasoning tokens billed, from `get_usage_metadata_callback()`'s per-model usage."""
    counts = [
        details["reasoning"]
        for model_usage in usage.values()
        if (details := model_usage.get("output_token_details")) and "reasoning" in details
    ]
    return sum(counts) if counts else None


def arrival_frame(timeline: AgentTimeline) -> pd.DataFrame:
    """The thoughts' and the answer's characters over time, one line each, for the arrival chart."""
    rows = [
        (e.t_ms, THOUGHTS if e.kind == "reasoning token" else ANSWER, len(e.text))
        for e in timeline.of(LANE)
        if e.kind in ("reasoning token", "answer token")
    ]
    return pd.DataFrame(rows, columns=["t_ms", "label", "chars"])


@dataclass(frozen=True, slots=True)
class EffortRow:
    """One effort, measured: when the first thought and the first answer word arrived."""

    effort: str
    first_thought_ms: float | None
    first_answer_ms: float | None
    done_ms: float | None
    reasoning_tokens: int | None


def compare_efforts(
    make_llm: Callable[..., BaseChatModel], question: str, efforts: Iterable[str] = EFFORTS
) -> Iterable[EffortRow]:
    """Ask the same question at each effort, one after the other; each row as soon as measured.
    `make_llm(**options)` builds the model with `thinking(effort)`'s options."""
    for effort in efforts:
        run = ThinkingRun()
        run.start()
        with get_usage_metadata_callback() as usage:
            for piece, text in stream_thinking(make_llm(**thinking(effort)), question):
                run.stamp(piece, text)
        run.timeline.finish()
        yield EffortRow(
            effort,
            run.first_ms("thought"),
            run.first_ms("answer"),
            run.timeline.total_ms,
            reasoning_tokens(usage.usage_metadata),
        )
