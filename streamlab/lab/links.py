"""Shareable lab links: an experiment config encoded in URL query parameters.

A workshop presenter shares one link and everyone opens the same experiment. Every
parameter is prefixed `lab_` so it never collides with the sidebar's profile parameters.
A bad value is dropped with a message naming the parameter and what is allowed; a bad
link still opens the lab. There is deliberately no parameter for an API key.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any
from urllib.parse import quote, unquote

from streamlab.lab.experiments import (
    CHAIN_NAMES,
    CHOICES,
    FIELD_NAMES,
    LIMITS,
    MAX_PROMPTS,
    TEXT_LIMITS,
    ExperimentConfig,
    Variant,
    too_long,
)
from streamlab.sim.options import LIMITS as SIM_LIMITS

__all__ = [
    "PARAMS",
    "TEMPLATES",
    "LabPreset",
    "apply_preset",
    "parse_lab_params",
    "template_variants",
    "to_lab_params",
]

# URL parameter → ExperimentConfig field, for the whole-number settings.
PARAMS: dict[str, str] = {
    "lab_n": "trials",
    "lab_conc": "concurrency",
    "lab_warmup": "warmup",
    "lab_seed": "seed",
    "lab_max_tokens": "max_tokens",
}
# short name inside a lab_vN value → Variant field
VARIANT_KEYS: dict[str, str] = {
    "label": "label",
    "mode": "mode",
    "api": "api",
    "provider": "provider",
    "model": "model",
    "url": "base_url",
    "ttft": "ttft_ms",
    "tps": "tokens_per_s",
    "jitter": "jitter_ms",
    "fault": "fault",
}
_NUMBERS = ("ttft_ms", "tokens_per_s", "jitter_ms")  # limits: the simulator's own (sim.options)
_TEXT_MAX = 200
_MAX_VARIANTS = LIMITS["variants"][1]
_VARIANT_PARAM = re.compile(r"lab_v(\d+)")


@dataclass(slots=True)
class LabPreset:
    values: dict[str, Any] = field(default_factory=dict)  # ExperimentConfig field → value
    problems: list[str] = field(default_factory=list)


def _shown(raw: str) -> str:
    # Echo a bad value, short and quoted; the page shows every message as text, not Markdown.
    return repr(raw if len(raw) <= 40 else raw[:39] + "…")


def _whole(name: str, raw: str, attr: str, problems: list[str]) -> int | None:
    low, high = LIMITS[attr]
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not value.is_integer() or not low <= value <= high:
        problems.append(
            f"Ignored ?{name}={_shown(raw)}: {FIELD_NAMES[attr].lower()} must be a whole "
            f"number from {low} to {high}."
        )
        return None
    return int(value)


def _variant(name: str, raw: str, problems: list[str]) -> Variant | None:
    values: dict[str, Any] = {}
    for part in raw.split(","):
        key, sep, text = part.partition(":")
        key = key.strip()
        if not sep or key not in VARIANT_KEYS:
            # Name the key but never echo its value: a pasted secret must not reach the page.
            problems.append(
                f"Ignored ?{name}: unknown field {_shown(key)}; use "
                f"{', '.join(VARIANT_KEYS)} as field:value pairs joined by commas."
            )
            return None
        attr, text = VARIANT_KEYS[key], unquote(text)
        if attr in _NUMBERS:
            try:
                number = float(text)
            except ValueError:
                number = math.nan
            if (problem := SIM_LIMITS[attr].problem(number)) is not None:
                problems.append(f"Ignored ?{name}: {key} {problem}; got {_shown(text)}.")
                return None
            values[attr] = number
        elif attr in CHOICES and text not in CHOICES[attr]:
            problems.append(
                f"Ignored ?{name}: {key} must be one of {', '.join(CHOICES[attr])}; got {_shown(text)}."
            )
            return None
        elif problem := too_long(key, text, TEXT_LIMITS.get(attr, _TEXT_MAX)):
            # Never cut: a shortened URL or model name is another endpoint, not this one.
            problems.append(f"Ignored ?{name}: {problem}")
            return None
        else:
            values[attr] = text
    if not values.get("label", "").strip():
        problems.append(f"Ignored ?{name}: every configuration needs a label (label:…).")
        return None
    variant = Variant(**values)
    if variant_problems := variant.problems():
        problems.append(f"Ignored ?{name}: {' '.join(variant_problems)}")
        return None
    return variant


def _shortened(text: str, where: str, field: str, problems: list[str]) -> str:
    limit = TEXT_LIMITS[field]
    if len(text) > limit:
        problems.append(f"Shortened {where} to {limit} characters (it had {len(text)}).")
    return text[:limit]


def _prompts(raw: str, problems: list[str]) -> tuple[str, ...]:
    prompts = [p for p in raw.split("\n") if p.strip()]
    if len(prompts) > MAX_PROMPTS:
        problems.append(
            f"Kept the first {MAX_PROMPTS} of the {len(prompts)} prompts in ?lab_prompts "
            f"(at most {MAX_PROMPTS})."
        )
    where = "prompt {} of ?lab_prompts"
    return tuple(
        _shortened(p, where.format(i), "prompt", problems)
        for i, p in enumerate(prompts[:MAX_PROMPTS], start=1)
    )


def parse_lab_params(params: Mapping[str, str]) -> LabPreset:
    """The config fields a link sets, plus one message per parameter that was ignored."""
    preset = LabPreset()
    variants: dict[int, Variant] = {}
    for name, raw in params.items():
        if not name.startswith("lab_"):
            continue  # the sidebar's parameters (ttft, tps, model…) are not ours
        raw = str(raw)
        if name in PARAMS:
            value = _whole(name, raw, PARAMS[name], preset.problems)
            if value is not None:
                preset.values[PARAMS[name]] = value
        elif name == "lab_chain":
            if raw in CHAIN_NAMES:
                preset.values["chain"] = raw
            else:
                preset.problems.append(
                    f"Ignored ?lab_chain={_shown(raw)}: choose one of {', '.join(CHAIN_NAMES)}."
                )
        elif name == "lab_name":
            preset.values["name"] = _shortened(raw, "?lab_name", "name", preset.problems)
        elif name == "lab_prompts":
            prompts = _prompts(raw, preset.problems)
            if prompts:
                preset.values["prompts"] = prompts
            else:
                preset.problems.append("Ignored ?lab_prompts: it holds no prompt (one prompt per line).")
        elif (match := _VARIANT_PARAM.fullmatch(name)) and 1 <= int(match[1]) <= _MAX_VARIANTS:
            variant = _variant(name, raw, preset.problems)
            if variant is not None:
                variants[int(match[1])] = variant
        else:
            preset.problems.append(
                f"Ignored ?{name}: not a lab setting. Allowed: lab_name, lab_chain, lab_prompts, "
                f"{', '.join(PARAMS)}, lab_v1 … lab_v{_MAX_VARIANTS}."
            )
    if variants:
        chosen = [variants[i] for i in sorted(variants)]
        labels = [v.label for v in chosen]
        if len(set(labels)) == len(labels):
            preset.values["variants"] = tuple(chosen)
        else:
            preset.problems.append("Ignored the lab_v… parameters: two configurations share a label.")
    return preset


def apply_preset(base: ExperimentConfig, preset: LabPreset) -> ExperimentConfig:
    return replace(base, **preset.values)


def _variant_param(variant: Variant) -> str:
    parts = []
    for key, attr in VARIANT_KEYS.items():
        value = getattr(variant, attr)
        if attr in ("base_url", "fault") and not value:
            continue  # every other setting is spelled out, so a link survives new defaults
        text = f"{value:g}" if isinstance(value, float) else str(value)
        parts.append(f"{key}:{quote(text, safe='')}")
    return ",".join(parts)


def to_lab_params(config: ExperimentConfig) -> dict[str, str]:
    """Query parameters that `parse_lab_params` turns back into `config`."""
    params = {
        "lab_name": config.name,
        "lab_chain": config.chain,
        "lab_prompts": "\n".join(config.prompts),
    }
    by_attr = {attr: name for name, attr in PARAMS.items()}
    for f in fields(ExperimentConfig):
        if f.name in by_attr:
            params[by_attr[f.name]] = str(getattr(config, f.name))
    for i, variant in enumerate(config.variants, start=1):
        params[f"lab_v{i}"] = _variant_param(variant)
    return params


TEMPLATES: dict[str, str] = {
    "stream_vs_invoke": "Streaming vs invoke",
    "sync_vs_async": "Sync vs async (both streaming)",
    "profiles": "Profile A vs profile B (embedded)",
    "providers": "Embedded vs OpenAI vs custom URL",
}


def template_variants(name: str, base: Variant) -> tuple[Variant, ...]:
    """Ready-made comparisons; `base` (usually the sidebar's profile) is the first configuration."""
    if name == "sync_vs_async":
        return (replace(base, label="sync stream"), replace(base, label="async astream", api="async"))
    if name == "profiles":
        return (
            replace(base, label="A"),
            replace(base, label="B", model="sim-detailed", ttft_ms=600.0, tokens_per_s=30.0),
        )
    if name == "providers":
        return (
            replace(base, label="embedded"),
            Variant("openai", provider="openai", model="gpt-4o-mini"),
            Variant(
                "custom URL",
                provider="compatible",
                model="llama3.2",
                base_url="http://localhost:11434/v1",
            ),
        )
    return (replace(base, label="streaming"), replace(base, label="invoke", mode="invoke"))
