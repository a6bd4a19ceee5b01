"""SimOptions: the simulator's latency and fault vocabulary, with its limits, defined once.

The sidebar's sliders, the URL presets, the latency lab, the client's `sim` body and the
server's request model all read names and limits from here, so a value one of them accepts
is accepted by every other one, and no value can make a request run for hours.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "COUNTED_FAULTS",
    "FAULT_KINDS",
    "FAULT_LABELS",
    "LIMITS",
    "LOCAL_FAULTS",
    "Fault",
    "FaultKind",
    "LatencyProfile",
    "Limit",
    "SimOptions",
    "fault_after",
    "fault_problem",
]


@dataclass(frozen=True, slots=True)
class Limit:
    """The allowed values of one numeric setting (inclusive range)."""

    low: float
    high: float
    unit: str = ""
    whole: bool = False
    """Only whole numbers (seeds, chunk counts)."""
    min_positive: float = 0.0
    """Values strictly between 0 and this are refused: 0 keeps its special meaning."""

    def range_text(self) -> str:
        """`0–5000`, or `0 or 1–1000` when small positive values are refused."""
        low, high = _number(self.low), _number(self.high)
        if self.min_positive:
            return f"{low} or {_number(self.min_positive)}–{high}"
        return f"{low}–{high}"

    def problem(self, value: object) -> str | None:
        """Why `value` is not allowed ("must be …"), or None when it is."""
        kind = "a whole number" if self.whole else "a number"
        unit = f" {self.unit}" if self.unit else ""
        low = self.low
        if self.min_positive:
            kind, low = f"{_number(self.low)} or {kind}", self.min_positive
        wanted = f"must be {kind} from {_number(low)} to {_number(self.high)}{unit}"
        if isinstance(value, bool) or not isinstance(value, int | float):
            return wanted
        if math.isnan(value) or not self.low <= value <= self.high:
            return wanted
        if self.whole and not float(value).is_integer():
            return wanted
        if 0 < value < self.min_positive:
            return wanted
        return None


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


# One set for learners, presenters and lab users: every value the lessons, tests and benches
# use fits, and the slowest allowed answer still ends (a 100-token answer at the extremes
# takes 5 s + 100 × (1 s + 0.2 s) ≈ 2 minutes). Sliders use these ranges directly.
LIMITS: dict[str, Limit] = {
    "ttft_ms": Limit(0, 5000, "ms"),
    "tokens_per_s": Limit(0, 1000, "tokens/s", min_positive=1),  # 0 = as fast as possible
    "jitter_ms": Limit(0, 200, "ms"),
    "seed": Limit(0, 2**31 - 1, whole=True),
    "drop_after": Limit(0, 10_000, "chunks", whole=True),  # the N of the drop_after:N fault
    "error_after": Limit(0, 10_000, "chunks", whole=True),  # the N of the error_after:N fault
    "think_ms": Limit(0, 20_000, "ms"),  # a reasoning model's thinking before its answer
}

FaultKind = Literal["401", "429", "500", "timeout", "drop_after", "error_after"]
FAULT_KINDS: tuple[FaultKind, ...] = get_args(FaultKind)
FAULT_LABELS: dict[FaultKind, str] = {
    "401": "401 wrong API key",
    "429": "429 rate limit",
    "500": "500 server error",
    "timeout": "timeout (no answer)",
    "drop_after": "connection dropped mid-stream",
    "error_after": "error event mid-stream",
}
"""What each fault does, in a few words (the sidebar's labels)."""
LOCAL_FAULTS: tuple[FaultKind, ...] = ("401", "429", "500", "drop_after", "error_after")
"""Faults that end on their own: "timeout" holds the request until the client gives up."""


COUNTED_FAULTS: tuple[FaultKind, ...] = ("drop_after", "error_after")
"""Faults written `kind:N`: they strike after N chunks of a stream."""
_COUNTED = re.compile(r"(drop_after|error_after):(\d{1,6})")


@dataclass(frozen=True, slots=True)
class Fault:
    """A failure the simulator injects: an HTTP error, no answer at all, a cut stream, or an
    error event in the stream (`data: {"error": …}`, as a real server sends when it fails
    after the response has begun)."""

    kind: FaultKind
    after: int = 0
    """drop_after and error_after: chunks sent before the connection is cut or the error is sent."""

    @classmethod
    def parse(cls, value: str) -> Fault:
        """`"429"`, `"drop_after:5"` or `"error_after:5"`; raises ValueError saying what is allowed."""
        if (problem := fault_problem(value)) is not None or not value:
            raise ValueError(f"fault {value!r} {problem or 'is empty'}")
        match = _COUNTED.fullmatch(value)
        return cls(match[1], int(match[2])) if match else cls(value)  # type: ignore[arg-type]

    def __str__(self) -> str:
        return f"{self.kind}:{self.after}" if self.kind in COUNTED_FAULTS else self.kind


def fault_after(fault: Fault | None, kind: FaultKind) -> int | None:
    """How many chunks go out before `fault` strikes, if it is of this counted `kind`; else None."""
    return fault.after if fault is not None and fault.kind == kind else None


def fault_problem(value: str, allowed: tuple[FaultKind, ...] = FAULT_KINDS) -> str | None:
    """Why `value` is not one of the `allowed` faults ("must be …"), or None; "" means no fault."""
    if not value:
        return None
    match = _COUNTED.fullmatch(value)
    if match and match[1] in allowed and LIMITS[match[1]].problem(int(match[2])) is None:
        return None
    if value not in COUNTED_FAULTS and value in allowed:
        return None
    forms: list[str] = [kind for kind in allowed if kind not in COUNTED_FAULTS]
    forms += [f"{k}:N (N from {LIMITS[k].range_text()})" for k in COUNTED_FAULTS if k in allowed]
    return f"must be empty, {', '.join(forms[:-1])} or {forms[-1]}"


@dataclass(frozen=True, slots=True)
class LatencyProfile:
    """How fast the simulator answers: the part of the `sim` body the sidebar sets."""

    ttft_ms: float = 150.0
    """Milliseconds before the first token."""
    tokens_per_s: float = 80.0
    """Pace after the first token; 0 means "as fast as possible"."""
    jitter_ms: float = 0.0
    """Each inter-token gap varies uniformly by up to this many milliseconds either way."""
    seed: int = 0
    """Same seed → same text and same jitter pattern."""
    max_tokens: int | None = None
    """Server-side default answer length cap (a model's spec); not a request option."""

    def with_overrides(self, overrides: dict[str, Any]) -> LatencyProfile:
        known = {k: v for k, v in overrides.items() if k in LatencyProfile.__slots__}
        return replace(self, **known)

    def to_sim(self) -> dict[str, float | int]:
        """The `sim` body fields for this profile."""
        body = asdict(self)
        body.pop("max_tokens")
        return body

    def problems(self) -> list[str]:
        """One message per setting outside its limit; [] when the profile can be sent."""
        out = []
        for name, value in self.to_sim().items():
            if (problem := LIMITS[name].problem(value)) is not None:
                out.append(f"{name} {problem}; got {value!r}.")
        return out


def _limited(name: str, doc: str) -> Any:
    limit = LIMITS[name]
    low, high = (int(limit.low), int(limit.high)) if limit.whole else (limit.low, limit.high)
    return Field(default=None, ge=low, le=high, description=doc)


class SimOptions(BaseModel):
    """Per-request simulator controls, sent as the extra body field `sim`."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    ttft_ms: float | None = _limited("ttft_ms", "Milliseconds before the first token.")
    tokens_per_s: float | None = _limited(
        "tokens_per_s", "Tokens per second after the first; 0 = as fast as possible."
    )
    jitter_ms: float | None = _limited("jitter_ms", "Uniform ± variation of each gap, in ms.")
    seed: int | None = _limited("seed", "Fixes the text and the jitter pattern.")
    fault: str | None = Field(
        default=None,
        max_length=20,
        description='Inject a failure: "401", "429", "500", "timeout", "drop_after:N", "error_after:N".',
    )
    tool_call: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_-]{1,64}$",
        description="Force a call of the tool with this name.",
    )
    text: str | None = Field(default=None, description="Exact answer text, e.g. to test HTML escaping.")
    think_ms: float | None = _limited(
        "think_ms",
        "Reasoning models only: milliseconds of thinking between the first thought and the "
        "first answer word (the model's own default, scaled by reasoning effort, when unset).",
    )
    trace_id: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_.-]{1,64}$",
        description="Record when each chunk left the server: GET /v1/sim/traces/{trace_id}.",
    )

    @field_validator("tokens_per_s")
    @classmethod
    def _pace_ends(cls, value: float | None) -> float | None:
        if value is not None and (problem := LIMITS["tokens_per_s"].problem(value)) is not None:
            raise ValueError(problem)
        return value

    @field_validator("fault")
    @classmethod
    def _known_fault(cls, value: str | None) -> str | None:
        if value:  # "" is "no fault", as in the sidebar
            Fault.parse(value)
        return value
