"""Test data shared across test folders: a zero-latency profile and a saved experiment."""

from __future__ import annotations

from typing import Any

from streamlab.lab.board import BoardResult
from streamlab.lab.experiments import ExperimentConfig, Variant
from streamlab.lab.results import ChunkPoint, Experiment, TrialResult
from streamlab.sim.answers import LatencyProfile

__all__ = ["INSTANT", "board_result", "make_experiment"]

INSTANT = LatencyProfile(ttft_ms=0, tokens_per_s=0, jitter_ms=0, seed=7)
"""No waiting at all: the simulator sends everything as fast as it can (same text per seed)."""


def make_experiment(name: str = "stream vs invoke") -> Experiment:
    config = ExperimentConfig(
        name=name,
        chain="parallel",
        trials=2,
        seed=3,
        variants=(
            Variant("streaming"),
            Variant("invoke", mode="invoke", provider="openai", model="gpt-4o-mini"),
        ),
    )
    points = (
        ChunkPoint(0, 101.5, "short", ""),
        ChunkPoint(1, 120.25, "short", "Hé"),
        ChunkPoint(2, 130.0, "detailed", "llo"),
    )
    ok = TrialResult(
        "streaming",
        0,
        0,
        "ok",
        0.0,
        900.5,
        120.25,
        900.5,
        80.1,
        70.2,
        3,
        2,
        2,
        "usage",
        9.75,
        10.0,
        10.0,
        points=points,
    )
    failed = TrialResult(
        "invoke",
        1,
        1,
        "failed",
        3.0,
        50.0,
        None,
        47.0,
        None,
        None,
        0,
        0,
        0,
        "chunks",
        None,
        None,
        None,
        "APIConnectionError",
        "The connection broke.",
    )
    stopped = TrialResult(
        "streaming",
        1,
        1,
        "stopped",
        5.0,
        60.0,
        30.0,
        55.0,
        None,
        None,
        2,
        1,
        1,
        "chunks",
        None,
        None,
        None,
        points=(ChunkPoint(0, 30.0, None, "x"),),
    )
    return Experiment(config, [failed, ok, stopped], "2026-01-02T03:04:05+00:00", 1234.5, "stopped")


def board_result(room: str = "abc123", nickname: str = "Brave Otter", **overrides: Any) -> BoardResult:
    """A shared race result as the class board stores it (timings of a typical simulator run)."""
    values: dict[str, Any] = {
        "lesson": "why_streaming",
        "provider_kind": "embedded",
        "model": "sim-fast",
        "ttft_stream_ms": 150.0,
        "ttft_invoke_ms": 900.0,
        "total_stream_ms": 1000.0,
        "total_invoke_ms": 1010.0,
        "tokens_per_s": 80.0,
    }
    return BoardResult(room, nickname, **{**values, **overrides})
