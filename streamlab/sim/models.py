"""The simulator's models: the names it answers to, and how fast and how long each one answers.

`sim-fast` and `sim-detailed` are the lessons' own (the sidebar offers them); OpenAI's public
names resolve to one of their latency profiles, so code copied from OpenAI's docs
(`model="gpt-4o-mini"`) runs here unchanged, and `/v1/models` lists them all.
"""

from __future__ import annotations

from dataclasses import dataclass

from streamlab.sim.options import LatencyProfile

__all__ = ["ALIASES", "MODELS", "ModelSpec", "model_names", "resolve_model"]


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

# The seed page's code names OpenAI models; aliases let it run unchanged.
ALIASES = {"gpt-3.5-turbo": "sim-fast", "gpt-4o-mini": "sim-fast", "gpt-4": "sim-detailed"}


def resolve_model(name: str) -> ModelSpec | None:
    return MODELS.get(ALIASES.get(name, name))


def model_names() -> list[str]:
    """Every name the simulator answers to, its own first."""
    return [*MODELS, *ALIASES]
