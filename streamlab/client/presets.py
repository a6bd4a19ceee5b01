"""Shareable workshop presets: the sidebar's latency profile encoded in URL query params.

Parsing is strict but forgiving: a bad value is dropped with a message saying what to
fix, so a mistyped link still opens the app. Names and limits come from the simulator's
own vocabulary (`streamlab.sim.options`), so any link that parses is a request it accepts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from streamlab.sim.answers import MODELS
from streamlab.sim.options import LIMITS, Limit

__all__ = [
    "PROFILE_LIMITS",
    "URL_NAMES",
    "PresetProblem",
    "ProfilePreset",
    "parse_profile_params",
    "to_profile_params",
]

URL_NAMES: dict[str, str] = {
    "ttft": "ttft_ms",
    "tps": "tokens_per_s",
    "jitter": "jitter_ms",
    "seed": "seed",
}
"""Short name in the URL → `SimOptions` field."""

PROFILE_LIMITS: dict[str, tuple[str, Limit]] = {
    name: (attr, LIMITS[attr]) for name, attr in URL_NAMES.items()
}
"""Name in the URL → (sidebar attribute, its limit)."""


@dataclass(frozen=True, slots=True)
class PresetProblem:
    """One link parameter that was ignored. Only `value` came from the link: show it as text."""

    param: str
    """Our name for it: ttft, tps, jitter, seed or model."""
    value: str
    """As it came in the link, untrusted (it may hold Markdown, HTML or a whole paragraph)."""
    reason: str
    """Our words: what the value must be."""

    @property
    def shown(self) -> str:
        """`?model='gpt-99'`: quoted, on one line and cut short."""
        value = self.value if len(self.value) <= 40 else self.value[:39] + "…"
        return f"?{self.param}={value!r}"

    def __str__(self) -> str:
        return f"Ignored {self.shown}: {self.reason}."


@dataclass(slots=True)
class ProfilePreset:
    values: dict[str, float | int | str] = field(default_factory=dict)  # sidebar attribute → value
    problems: list[PresetProblem] = field(default_factory=list)


def parse_profile_params(params: Mapping[str, str]) -> ProfilePreset:
    preset = ProfilePreset()
    for name, (attr, limit) in PROFILE_LIMITS.items():
        raw = params.get(name)
        if raw is None:
            continue
        try:
            value = float(raw)
        except ValueError:
            preset.problems.append(PresetProblem(name, raw, "it must be a number"))
            continue
        if (problem := limit.problem(value)) is not None:
            preset.problems.append(PresetProblem(name, raw, f"it {problem}"))
            continue
        preset.values[attr] = int(value) if limit.whole else value
    model = params.get("model")
    if model is not None:
        if model in MODELS:
            preset.values["model"] = model
        else:
            preset.problems.append(PresetProblem("model", model, f"choose one of {', '.join(MODELS)}"))
    return preset


def to_profile_params(values: Mapping[str, float | int | str]) -> dict[str, str]:
    by_attr = {attr: name for name, attr in URL_NAMES.items()}
    params = {
        by_attr[k]: f"{v:g}" if isinstance(v, float) else str(v)
        for k, v in values.items()
        if k in by_attr
    }
    if "model" in values:
        params["model"] = str(values["model"])
    return params
