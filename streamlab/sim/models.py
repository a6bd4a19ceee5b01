"""The simulator's models: the names it answers to, and how fast and how long each one answers.

`sim-fast` and `sim-detailed` are the lessons' own (the sidebar offers them); OpenAI's public
names resolve to one of their latency profiles, so code copied from OpenAI's docs
(`model="gpt-4o-mini"`) runs here unchanged, and `/v1/models` lists them all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from streamlab.sim.options import LatencyProfile

__all__ = ["ALIASES", "MODELS", "ModelSpec", "model_names", "model_object", "resolve_model"]


@dataclass(frozen=True, slots=True)
class ModelSpec:
    name: str
    profile: LatencyProfile
    paragraphs: int  # how long answers are: "detailed" adds paragraphs


MODELS: dict[str, ModelSpec] = {
    "sim-fast": ModelSpec("sim-fast", LatencyProfile(ttft_ms=150, tokens_per_s=80), 1),
    "sim-detailed": ModelSpec("sim-detailed", LatencyProfile(ttft_ms=600, tokens_per_s=30), 3),
}
"""The lessons' models (the sidebar's choice)."""

# OpenAI's names (the seed page's, the docs'), each answering at the pace of one of the
# lessons' models: small ones like sim-fast, large ones like sim-detailed.
_FAST = "gpt-3.5-turbo gpt-4o-mini gpt-4.1-mini gpt-4.1-nano gpt-5-mini gpt-5-nano o3-mini o4-mini"
_DETAILED = "gpt-4 gpt-4-turbo gpt-4o gpt-4.1 gpt-5 gpt-5.1 o1 o3"
ALIASES: dict[str, str] = {
    **dict.fromkeys(_FAST.split(), "sim-fast"),
    **dict.fromkeys(_DETAILED.split(), "sim-detailed"),
    "sim-reasoning": "sim-fast",  # thinks before answering on /v1/responses (sim.responses.reasoning)
}
_SNAPSHOT = re.compile(r"(.+)-\d{4}-\d{2}-\d{2}")  # gpt-4o-2024-08-06 is gpt-4o
CREATED = 1_700_000_000  # a fixed `created` time for the model list (November 2023)


def resolve_model(name: str) -> ModelSpec | None:
    """The spec behind a name: the lessons' own, an OpenAI name, or a dated snapshot of one."""
    snapshot = _SNAPSHOT.fullmatch(name)
    base = snapshot[1] if snapshot and snapshot[1] in ALIASES else name
    return MODELS.get(ALIASES.get(base, base))


def model_names() -> list[str]:
    """Every name the simulator lists, its own first."""
    return [*MODELS, *ALIASES]


def model_object(name: str) -> dict[str, object]:
    """`name` as OpenAI's `Model` object (GET /v1/models/{name})."""
    return {"id": name, "object": "model", "created": CREATED, "owned_by": "streamlab"}
