"""Shareable workshop presets: the sidebar's latency profile encoded in URL query params.

Parsing is strict but forgiving: a bad value is dropped with a message saying what to
fix, so a mistyped link still opens the app.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from streamlab.sim.answers import MODELS

__all__ = ["PROFILE_LIMITS", "ProfilePreset", "parse_profile_params", "to_profile_params"]

# name in the URL → (attribute, minimum, maximum)
PROFILE_LIMITS: dict[str, tuple[str, float, float]] = {
    "ttft": ("ttft_ms", 0, 5000),
    "tps": ("tokens_per_s", 0, 1000),
    "jitter": ("jitter_ms", 0, 200),
    "seed": ("seed", 0, 2**31 - 1),
}


@dataclass(slots=True)
class ProfilePreset:
    values: dict[str, float | int | str] = field(default_factory=dict)  # sidebar attribute → value
    problems: list[str] = field(default_factory=list)


def parse_profile_params(params: Mapping[str, str]) -> ProfilePreset:
    preset = ProfilePreset()
    for name, (attr, low, high) in PROFILE_LIMITS.items():
        raw = params.get(name)
        if raw is None:
            continue
        try:
            value = float(raw)
        except ValueError:
            preset.problems.append(f"Ignored ?{name}={raw!r}: it must be a number.")
            continue
        if not low <= value <= high:
            preset.problems.append(f"Ignored ?{name}={raw}: allowed range is {low:g}–{high:g}.")
            continue
        preset.values[attr] = int(value) if attr == "seed" else value
    model = params.get("model")
    if model is not None:
        if model in MODELS:
            preset.values["model"] = model
        else:
            preset.problems.append(f"Ignored ?model={model!r}: choose one of {', '.join(MODELS)}.")
    return preset


def to_profile_params(values: Mapping[str, float | int | str]) -> dict[str, str]:
    by_attr = {attr: name for name, (attr, _, _) in PROFILE_LIMITS.items()}
    params = {
        by_attr[k]: f"{v:g}" if isinstance(v, float) else str(v)
        for k, v in values.items()
        if k in by_attr
    }
    if "model" in values:
        params["model"] = str(values["model"])
    return params
