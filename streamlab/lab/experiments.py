"""What a latency experiment is: its configuration (chain, configurations to compare, limits).

Kept free of running code so the store, the exports and the URL presets share one
definition. A configuration holds the provider as kind/base_url/model only: there is no
field an API key could ever be written to. What a run produced lives in results.py.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any, Literal, get_args

from streamlab.sim.options import LIMITS as SIM_LIMITS
from streamlab.sim.options import LOCAL_FAULTS, fault_problem

__all__ = [
    "CHAIN_NAMES",
    "CHOICES",
    "FAULTS",
    "FIELD_NAMES",
    "LIMITS",
    "MAX_PROMPTS",
    "TEXT_LIMITS",
    "ChainName",
    "ConfigError",
    "ExperimentConfig",
    "Variant",
    "too_long",
]

Mode = Literal["stream", "invoke"]
Api = Literal["sync", "async"]
Provider = Literal["embedded", "openai", "compatible"]
ChainName = Literal["llm", "sequence", "parallel", "blocking"]

CHAIN_NAMES: dict[str, str] = {
    "llm": "LLM only",
    "sequence": "Seed sequence (lambda | prompt | llm)",
    "parallel": "RunnableParallel (short + detailed)",
    "blocking": "Sequence with a blocking step",
}
# field → (minimum, maximum), inclusive; the page, the URL presets and imports all check these.
LIMITS: dict[str, tuple[int, int]] = {
    "trials": (1, 200),
    "concurrency": (1, 16),
    "warmup": (0, 20),
    "seed": (0, 2**31 - 1),
    "max_tokens": (0, 4096),
    "variants": (1, 8),
}
MAX_PROMPTS = 20
# Longest text each field may hold, in characters; links, imports and the form all check these.
TEXT_LIMITS: dict[str, int] = {"name": 200, "prompt": 2000, "label": 200, "model": 200, "base_url": 2000}
# Simulator faults a lab trial may inject ("timeout" is left out: it would hang a trial for a minute).
FAULTS = ("401", "429", "500")
FIELD_NAMES = {
    "trials": "Trials",
    "concurrency": "Concurrency",
    "warmup": "Warm-up runs",
    "seed": "Seed",
    "max_tokens": "Max tokens",
}

CHOICES: dict[str, tuple[str, ...]] = {
    "mode": get_args(Mode),
    "api": get_args(Api),
    "provider": get_args(Provider),
    "chain": tuple(CHAIN_NAMES),
}


class ConfigError(ValueError):
    """A configuration (or an imported file) that cannot be used; the message says what to fix."""


def too_long(what: str, text: str, limit: int) -> str | None:
    """ "label has 300 characters; at most 200 are allowed." when `text` is over `limit`."""
    if len(text) <= limit:
        return None
    return f"{what} has {len(text)} characters; at most {limit} are allowed."


def _short(text: str) -> str:
    # A name quoted in a message: enough to recognise it, never a whole pasted page.
    return text if len(text) <= 40 else text[:39] + "…"


@dataclass(frozen=True, slots=True)
class Variant:
    """One configuration to compare: how the chain is called and which endpoint answers."""

    label: str
    mode: Mode = "stream"  # .stream() or .invoke()
    api: Api = "sync"  # stream/invoke or astream/ainvoke
    provider: Provider = "embedded"
    model: str = "sim-fast"
    base_url: str = ""  # "compatible" only: the OpenAI-compatible endpoint
    ttft_ms: float = 150.0  # embedded only: the simulated latency profile
    tokens_per_s: float = 80.0
    jitter_ms: float = 5.0
    fault: str = ""  # embedded only: inject a failure ("500", "429", "drop_after:5"…) to see it recorded

    def problems(self) -> list[str]:
        out = []
        name = _short(self.label) or "(unnamed)"
        for attr in ("mode", "api", "provider"):
            options = CHOICES[attr]
            if getattr(self, attr) not in options:
                out.append(f"Configuration {name}: {attr} must be one of {', '.join(options)}.")
        if not self.label.strip():
            out.append("Every configuration needs a label.")
        if not self.model.strip():
            out.append(f"Configuration {name}: the model name is empty.")
        for attr in ("label", "model", "base_url"):
            if problem := too_long(attr, getattr(self, attr), TEXT_LIMITS[attr]):
                out.append(f"Configuration {name}: {problem}")
        if self.provider == "compatible" and not self.base_url.startswith(("http://", "https://")):
            out.append(f"Configuration {name}: a custom URL must start with http:// or https://.")
        # Faults and latency limits are the simulator's own (streamlab.sim.options); "timeout"
        # is left out, it would hang a trial for a minute.
        if problem := fault_problem(self.fault, LOCAL_FAULTS):
            out.append(f"Configuration {name}: fault {problem}.")
        for attr in ("ttft_ms", "tokens_per_s", "jitter_ms"):
            if problem := SIM_LIMITS[attr].problem(getattr(self, attr)):
                out.append(f"Configuration {name}: {attr} {problem}.")
        return out


@dataclass(frozen=True, slots=True)
class ExperimentConfig:
    """Everything needed to repeat an experiment exactly (the seed fixes order and jitter)."""

    name: str = "streaming vs invoke"
    chain: ChainName = "llm"
    variants: tuple[Variant, ...] = ()
    prompts: tuple[str, ...] = ("Explain streaming runnables",)
    trials: int = 20  # per variant
    concurrency: int = 4
    warmup: int = 1  # per variant, not recorded
    seed: int = 0
    max_tokens: int = 0  # 0: no limit

    def problems(self) -> list[str]:
        """What to fix before this can run; [] when it is valid."""
        out = []
        for attr in ("trials", "concurrency", "warmup", "seed", "max_tokens"):
            low, high = LIMITS[attr]
            value = getattr(self, attr)
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                name = FIELD_NAMES[attr]
                out.append(f"{name} must be a whole number from {low} to {high}; got {value}.")
        if problem := too_long("The experiment name", self.name, TEXT_LIMITS["name"]):
            out.append(problem)
        if self.chain not in CHAIN_NAMES:
            out.append(f"Chain must be one of {', '.join(CHAIN_NAMES)}; got {self.chain!r}.")
        if not any(p.strip() for p in self.prompts):
            out.append("Add at least one prompt.")
        if len(self.prompts) > MAX_PROMPTS:
            out.append(f"Use at most {MAX_PROMPTS} prompts; got {len(self.prompts)}.")
        for i, prompt in enumerate(self.prompts[:MAX_PROMPTS], start=1):
            if problem := too_long(f"Prompt {i}", prompt, TEXT_LIMITS["prompt"]):
                out.append(problem)
        low, high = LIMITS["variants"]
        if not low <= len(self.variants) <= high:
            out.append(f"Compare {low} to {high} configurations; got {len(self.variants)}.")
        labels = [v.label for v in self.variants]
        if len(set(labels)) != len(labels):
            out.append("Each configuration needs its own label (two have the same one).")
        for variant in self.variants:
            out.extend(variant.problems())
        return out

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["variants"] = [asdict(v) for v in self.variants]
        data["prompts"] = list(self.prompts)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ExperimentConfig:
        """Rebuild from `to_dict()` output; raises ConfigError naming the bad field."""
        if not isinstance(data, Mapping):
            raise ConfigError("The experiment config must be a JSON object.")
        raw_variants = data.get("variants")
        if not isinstance(raw_variants, list) or not raw_variants:
            raise ConfigError("The config needs a non-empty list 'variants'.")
        if len(raw_variants) > LIMITS["variants"][1]:  # refused before reading each one
            high = LIMITS["variants"][1]
            raise ConfigError(f"Compare 1 to {high} configurations; got {len(raw_variants)}.")
        prompts = data.get("prompts", list(_DEFAULT_PROMPTS))
        if not isinstance(prompts, list | tuple) or not all(isinstance(p, str) for p in prompts):
            raise ConfigError("'prompts' must be a list of strings.")
        if len(prompts) > MAX_PROMPTS:
            raise ConfigError(f"Use at most {MAX_PROMPTS} prompts; got {len(prompts)}.")
        values = _pick(cls, data, skip={"variants", "prompts"})
        config = cls(
            **values,
            variants=tuple(_variant(v, i) for i, v in enumerate(raw_variants)),
            prompts=tuple(prompts),
        )
        if problems := config.problems():
            raise ConfigError(" ".join(problems))
        return config


_DEFAULT_PROMPTS = ExperimentConfig().prompts


def _variant(data: object, index: int) -> Variant:
    if not isinstance(data, Mapping):
        raise ConfigError(f"Variant {index + 1} must be a JSON object.")
    if not isinstance(data.get("label"), str):
        raise ConfigError(f"Variant {index + 1} needs a text 'label'.")
    return Variant(**_pick(Variant, data, skip=set(), where=f"Variant {index + 1}: "))


def _pick(cls: type, data: Mapping[str, Any], *, skip: set[str], where: str = "") -> dict[str, Any]:
    # Only known fields are read: an unknown key (an api_key, say) is dropped, never carried along.
    out: dict[str, Any] = {}
    for f in fields(cls):
        if f.name in skip or f.name not in data:
            continue
        out[f.name] = _coerce(data[f.name], str(f.type), f"{where}'{f.name}'")
    return out


def _finite(value: int | float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float
        return False


def _coerce(value: object, annotation: str, what: str) -> object:
    if isinstance(value, int | float) and not isinstance(value, bool):
        if annotation == "float" and _finite(value):
            return float(value)
        if annotation == "int" and (isinstance(value, int) or value.is_integer()):
            return int(value)  # its range is checked with the rest, by problems()
    elif annotation not in ("float", "int") and isinstance(value, str):
        return value
    expected = {"float": "a finite number", "int": "a whole number"}.get(annotation, "text")
    raise ConfigError(f"{what} must be {expected}; got {value!r}.")
