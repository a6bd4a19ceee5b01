"""A row of `st.metric` cards for a run's latency summary.

Labels, units and "is lower better?" live here once, so every page names and colours TTFT,
total time and output speed the same way (definitions: LESSON-FACTS.md, streamlab/measure/metrics.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import streamlit as st

__all__ = [
    "DEFAULT_COLUMNS",
    "METRICS",
    "MetricCard",
    "MetricSpec",
    "render_metric_cards",
    "to_metric_cards",
]

DEFAULT_COLUMNS = ("ttft_ms", "total_ms", "tokens_per_s", "chunks")
MISSING = "—"


@dataclass(frozen=True, slots=True)
class MetricSpec:
    label: str
    unit: str  # "ms", "tok/s" or "" for counts
    better: Literal["lower", "higher", "neutral"]  # picks the delta colour
    help: str


_SPEED = MetricSpec(
    "Output speed", "tok/s", "higher", "(tokens − 1) / (last − first content chunk): excludes TTFT."
)
METRICS: dict[str, MetricSpec] = {
    "ttft_ms": MetricSpec("TTFT", "ms", "lower", "Request start → first chunk with non-empty text."),
    "total_ms": MetricSpec("Total", "ms", "lower", "Request start → end of the stream."),
    "tokens_per_s": _SPEED,
    "output_speed_tps": _SPEED,
    "throughput_tps": MetricSpec("Throughput", "tok/s", "higher", "Tokens / total time: includes TTFT."),
    "chunks": MetricSpec("Chunks", "", "neutral", "Every chunk, empty ones included: chunks ≠ tokens."),
    "content_chunks": MetricSpec("Content chunks", "", "neutral", "Chunks with non-empty text."),
    "output_tokens": MetricSpec(
        "Output tokens", "", "neutral", "From usage_metadata, else content chunks."
    ),
    "gap_p50_ms": MetricSpec("Gap p50", "ms", "lower", "Median time between non-empty chunks."),
    "gap_p95_ms": MetricSpec("Gap p95", "ms", "lower", "95th percentile of the gaps between chunks."),
    "gap_max_ms": MetricSpec("Longest gap", "ms", "lower", "Longest wait between two non-empty chunks."),
    "stalls": MetricSpec("Stalls", "", "lower", "Gaps longer than 3× the median gap."),
}
# The recorder's summary says output_speed_tps; pages may say tokens_per_s. Accept both.
_ALIASES = {"tokens_per_s": ("tokens_per_s", "output_speed_tps")}
DeltaColor = Literal["normal", "inverse", "off"]
_DELTA_COLORS: dict[str, DeltaColor] = {"lower": "inverse", "higher": "normal", "neutral": "off"}


@dataclass(frozen=True, slots=True)
class MetricCard:
    label: str
    value: str
    delta: str | None
    delta_color: DeltaColor
    help: str | None


def to_metric_cards(
    summary: Mapping[str, Any],
    *,
    columns: Sequence[str] = DEFAULT_COLUMNS,
    delta_from: Mapping[str, Any] | None = None,
) -> list[MetricCard]:
    """The cards `render_metric_cards` draws, as plain data (missing or None values show "—")."""
    return [_to_card(key, summary, delta_from) for key in columns]


def render_metric_cards(
    summary: Mapping[str, Any],
    *,
    columns: Sequence[str] = DEFAULT_COLUMNS,
    delta_from: Mapping[str, Any] | None = None,
) -> None:
    """One `st.metric` per column; `delta_from` (another run's summary) adds "+12 ms"-style deltas."""
    cards = to_metric_cards(summary, columns=columns, delta_from=delta_from)
    for slot, card in zip(st.columns(len(cards)), cards, strict=True):
        slot.metric(card.label, card.value, card.delta, delta_color=card.delta_color, help=card.help)


def _to_card(key: str, summary: Mapping[str, Any], delta_from: Mapping[str, Any] | None) -> MetricCard:
    spec = METRICS.get(key, MetricSpec(key, "", "neutral", ""))
    value = _lookup(summary, key)
    delta = None
    if delta_from is not None and _is_number(value) and _is_number(other := _lookup(delta_from, key)):
        delta = _format(value - other, spec.unit, signed=True)
    return MetricCard(
        spec.label, _format(value, spec.unit), delta, _DELTA_COLORS[spec.better], spec.help or None
    )


def _lookup(summary: Mapping[str, Any], key: str) -> Any:
    return next((summary[k] for k in _ALIASES.get(key, (key,)) if summary.get(k) is not None), None)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value  # not NaN


def _format(value: Any, unit: str, *, signed: bool = False) -> str:
    if not _is_number(value):
        return MISSING if value is None or isinstance(value, float) else str(value)
    sign = "+" if signed else ""
    if unit == "ms":
        text = f"{value:{sign},.1f}" if abs(value) < 10 else f"{value:{sign},.0f}"
    elif unit:
        text = f"{value:{sign},.1f}"
    else:
        text = f"{value:{sign},}" if isinstance(value, int) else f"{value:{sign},.1f}"
    return f"{text} {unit}".rstrip()  # keep ASCII "-": st.metric reads it to point the delta arrow down
