"""Reasoning models: which names think before they answer, for how long, and what they accept.

A reasoning model (`o4-mini`, `gpt-5-nano`, `sim-reasoning`…) spends "thinking" time before its
first answer word; with `reasoning={"summary": "auto"}` it streams a summary of that thinking
first. The thinking time is its own latency knob (`sim.think_ms`), so a lesson can show two
first-token times: the first thought and the first answer word. Its answer pace is its entry
in `streamlab.sim.models`, which lists every name here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from streamlab.sim.errors import RequestError
from streamlab.sim.models import resolve_model

if TYPE_CHECKING:
    from streamlab.sim.responses.request import ResponsesRequest

__all__ = [
    "EFFORTS",
    "REASONING_MODELS",
    "Thinking",
    "check_model",
    "reasoning_model",
    "thinking_for",
]

EFFORTS = ("none", "minimal", "low", "medium", "high", "xhigh", "max")
_TIME_SCALE = {
    "none": 0.0,
    "minimal": 0.25,
    "low": 0.5,
    "medium": 1.0,
    "high": 2.0,
    "xhigh": 3.0,
    "max": 4.0,
}
_TOKENS_PER_SUMMARY_TOKEN = {"minimal": 1, "low": 2, "medium": 4, "high": 8, "xhigh": 12, "max": 16}
"""Hidden reasoning is longer than its summary; more effort, more hidden tokens (billed as output)."""
_SNAPSHOT = re.compile(r"(.+)-\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True, slots=True)
class ReasoningModel:
    """A model that thinks before answering."""

    think_ms: float
    """Thinking time at medium effort, before the first answer word; effort scales it."""
    efforts: tuple[str, ...] = ("low", "medium", "high")
    """The `reasoning.effort` values it accepts."""
    default_effort: str = "medium"


REASONING_MODELS: dict[str, ReasoningModel] = {
    "sim-reasoning": ReasoningModel(1200, EFFORTS),
    "o4-mini": ReasoningModel(1500),
    "o3": ReasoningModel(2500),
    "o3-mini": ReasoningModel(1200),
    "o1": ReasoningModel(3000),
    "gpt-5": ReasoningModel(2000, ("minimal", "low", "medium", "high")),
    "gpt-5-mini": ReasoningModel(1200, ("minimal", "low", "medium", "high")),
    "gpt-5-nano": ReasoningModel(800, ("minimal", "low", "medium", "high")),
    "gpt-5.1": ReasoningModel(1500, ("none", "low", "medium", "high"), "none"),
}


@dataclass(frozen=True, slots=True)
class Thinking:
    """How one request thinks: how long, how hard, and whether its summary is streamed."""

    effort: str
    think_s: float
    """Seconds from the first thought to the first answer word (a summary streams meanwhile)."""
    summary: str | None
    """"auto", "concise" or "detailed" when the summary is sent, else None."""

    @property
    def tokens_per_summary_token(self) -> int:
        return _TOKENS_PER_SUMMARY_TOKEN.get(self.effort, 0)

    @property
    def summary_parts(self) -> int:
        """How many summary parts (`summary_index` 0, 1, …) the thought is split into."""
        if self.summary == "concise" or self.effort in ("minimal", "low"):
            return 1
        return 3 if self.summary == "detailed" or self.effort in ("high", "xhigh", "max") else 2


def reasoning_model(name: str) -> ReasoningModel | None:
    """The reasoning spec of `name`, dated snapshots included (`o4-mini-2025-04-16`)."""
    snapshot = _SNAPSHOT.fullmatch(name)
    return REASONING_MODELS.get(snapshot[1] if snapshot else name)


def check_model(request: ResponsesRequest) -> None:
    """Refuse unknown models and parameters the model does not take, as OpenAI does."""
    if resolve_model(request.model) is None:
        shown = " ".join(request.model.split())[:64]
        message = f"The model '{shown}' does not exist or you do not have access to it."
        raise RequestError(404, message, code="model_not_found", param="model")
    thinker = reasoning_model(request.model)
    asked = request.reasoning
    if thinker is None:
        for name in ("effort", "summary", "generate_summary"):
            if asked is not None and getattr(asked, name) is not None:
                message = f"Unsupported parameter: 'reasoning.{name}' is not supported with this model."
                raise RequestError(400, message, code="unsupported_parameter", param=f"reasoning.{name}")
        return
    effort = (asked.effort if asked else None) or thinker.default_effort
    if effort not in thinker.efforts:
        allowed = ", ".join(f"'{e}'" for e in thinker.efforts)
        message = (
            f"Unsupported value: 'reasoning.effort' does not support '{effort}' with this model. "
            f"Supported values are: {allowed}."
        )
        raise RequestError(400, message, code="unsupported_value", param="reasoning.effort")
    if effort != "none":
        for name in ("temperature", "top_p"):
            if getattr(request, name) is not None:
                message = f"Unsupported parameter: '{name}' is not supported with this model."
                raise RequestError(400, message, code="unsupported_parameter", param=name)


def thinking_for(request: ResponsesRequest) -> Thinking | None:
    """None for a model that answers at once (or a reasoning model told `effort: "none"`)."""
    thinker = reasoning_model(request.model)
    if thinker is None:
        return None
    asked = request.reasoning
    effort = (asked.effort if asked else None) or thinker.default_effort
    if effort == "none":
        return None
    summary = (asked.summary or asked.generate_summary) if asked else None
    if request.sim.think_ms is not None:
        think_ms = request.sim.think_ms
    else:
        think_ms = thinker.think_ms * _TIME_SCALE[effort]
    return Thinking(effort, think_ms / 1000.0, summary)
