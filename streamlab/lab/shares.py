"""What each shareable run puts on the class board: its numbers, read from what the run measured.

The race shares its two lanes; streaming vs non-streaming shares the medians of its trials; the
latency lab shares the medians of its first streaming configuration against an invoke one on
the same provider and model (a ratio across two models would not say what streaming did).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

import pandas as pd

from streamlab.lab.results import Experiment, trials_frame
from streamlab.lab.stats import median_summary
from streamlab.measure.trials import medians, mode_row

if TYPE_CHECKING:
    from streamlab.lab.experiments import Variant
    from streamlab.measure.metrics import StreamMetrics

__all__ = ["Numbers", "lab_numbers", "race_numbers", "trials_numbers"]


class Numbers(TypedDict):
    """A run's timings for the board (the numeric fields of `BoardResult`)."""

    ttft_stream_ms: float | None
    """Time to the first text when streamed."""
    ttft_invoke_ms: float | None
    """... when not streamed (the whole answer at once)."""
    total_stream_ms: float | None
    total_invoke_ms: float | None
    tokens_per_s: float | None
    """Streamed output speed after the first token."""


def race_numbers(stream: StreamMetrics, invoke: StreamMetrics) -> Numbers | None:
    """The race's two lanes; None when the streamed lane showed no text."""
    if stream["ttft_ms"] is None:
        return None
    return Numbers(
        ttft_stream_ms=stream["ttft_ms"],
        ttft_invoke_ms=invoke["ttft_ms"],
        total_stream_ms=stream["total_ms"],
        total_invoke_ms=invoke["total_ms"],
        tokens_per_s=stream["output_speed_tps"],
    )


def trials_numbers(frame: pd.DataFrame) -> Numbers | None:
    """Medians of streaming vs non-streaming trials (`measure.trials.to_frame`); None when no
    streamed trial succeeded. The trials measure no token speed."""
    table = medians(frame)
    stream, invoke = mode_row(table, "stream"), mode_row(table, "invoke")
    if stream is None:
        return None
    return Numbers(
        ttft_stream_ms=float(stream["ttft_ms"]),
        ttft_invoke_ms=None if invoke is None else float(invoke["ttft_ms"]),
        total_stream_ms=float(stream["total_ms"]),
        total_invoke_ms=None if invoke is None else float(invoke["total_ms"]),
        tokens_per_s=None,
    )


def lab_numbers(experiment: Experiment) -> tuple[Variant, Numbers] | None:
    """The first streaming configuration with a successful trial, and its medians; the invoke
    side comes from the first invoke configuration on the same provider and model, if any."""
    frame = trials_frame(experiment.trials, experiment.labels)
    for variant in experiment.config.variants:
        stream = median_summary(frame, variant.label)
        if variant.mode == "stream" and stream["ttft_ms"] is not None:
            break
    else:
        return None
    same = [
        v
        for v in experiment.config.variants
        if v.mode == "invoke" and (v.provider, v.model) == (variant.provider, variant.model)
    ]
    invoke = median_summary(frame, same[0].label) if same else {}
    return variant, Numbers(
        ttft_stream_ms=stream["ttft_ms"],
        ttft_invoke_ms=invoke.get("ttft_ms"),
        total_stream_ms=stream["total_ms"],
        total_invoke_ms=invoke.get("total_ms"),
        tokens_per_s=stream["output_speed_tps"],
    )
