"""Latency statistics: summaries, a bootstrap CI of the median difference, ECDFs and verdicts.

Latency distributions are skewed (a few slow trials), so the lab compares medians and says
how sure it is with a percentile bootstrap. The RNG is seeded: the same trials always give
the same interval, which keeps saved experiments and tests reproducible.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "METRIC_LABELS",
    "Describe",
    "MedianDiff",
    "bootstrap_median_diff",
    "describe",
    "ecdf",
    "live_table",
    "median_summary",
    "summary_table",
    "verdict",
    "verdicts",
]

# metric column → (label, unit); the order is the summary table's row order.
METRIC_LABELS: dict[str, tuple[str, str]] = {
    "ttft_ms": ("TTFT", "ms"),
    "total_ms": ("Total time", "ms"),
    "output_speed_tps": ("Output speed (excl. TTFT)", "tok/s"),
    "throughput_tps": ("Throughput (incl. TTFT)", "tok/s"),
    "gap_p50_ms": ("Inter-chunk gap p50", "ms"),
    "gap_p95_ms": ("Inter-chunk gap p95", "ms"),
    "chunks": ("Chunks", ""),
    "output_tokens": ("Output tokens", ""),
}
SUMMARY_COLUMNS = [
    "configuration",
    "metric",
    "unit",
    "n",
    "mean",
    "median",
    "p95",
    "std",
    "median Δ vs baseline",
    "CI 95% low",
    "CI 95% high",
]
EQUAL_WITHIN = 0.05  # total times closer than 5 % are called equal


@dataclass(frozen=True, slots=True)
class Describe:
    n: int
    mean: float | None
    median: float | None
    p95: float | None
    std: float | None  # sample standard deviation (n − 1); None below two values
    min: float | None
    max: float | None


@dataclass(frozen=True, slots=True)
class MedianDiff:
    """median(b) − median(a) with a percentile-bootstrap confidence interval."""

    diff: float
    low: float
    high: float
    level: float = 0.95

    @property
    def excludes_zero(self) -> bool:
        return self.low > 0 or self.high < 0


def _clean(values: Sequence[float] | pd.Series) -> np.ndarray:
    array = np.asarray([v for v in values if v is not None], dtype=float)
    return array[~np.isnan(array)]


def describe(values: Sequence[float] | pd.Series) -> Describe:
    """n, mean, median, p95 (linear interpolation), std, min, max; Nones are ignored."""
    x = _clean(values)
    if not len(x):
        return Describe(0, None, None, None, None, None, None)
    std = float(np.std(x, ddof=1)) if len(x) > 1 else None
    return Describe(
        len(x),
        float(x.mean()),
        float(np.median(x)),
        float(np.percentile(x, 95)),
        std,
        float(x.min()),
        float(x.max()),
    )


def bootstrap_median_diff(
    a: Sequence[float] | pd.Series,
    b: Sequence[float] | pd.Series,
    *,
    n_boot: int = 2000,
    level: float = 0.95,
    seed: int = 0,
) -> MedianDiff | None:
    """Resample each group with replacement; None when a group is empty."""
    xa, xb = _clean(a), _clean(b)
    if not len(xa) or not len(xb):
        return None
    rng = np.random.default_rng(seed)
    med_a = np.median(xa[rng.integers(0, len(xa), (n_boot, len(xa)))], axis=1)
    med_b = np.median(xb[rng.integers(0, len(xb), (n_boot, len(xb)))], axis=1)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(med_b - med_a, [tail, 100 - tail])
    return MedianDiff(float(np.median(xb) - np.median(xa)), float(low), float(high), level)


def ecdf(values: Sequence[float] | pd.Series) -> tuple[list[float], list[float]]:
    """Sorted values and the share of values ≤ each one (a step function's corners)."""
    x = np.sort(_clean(values))
    return x.tolist(), (np.arange(1, len(x) + 1) / len(x)).tolist()


def _ok(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["status"] == "ok"]


def _variants(frame: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(frame["variant"]))


def summary_table(
    frame: pd.DataFrame, *, baseline: str | None = None, seed: int = 0, n_boot: int = 2000
) -> pd.DataFrame:
    """One row per configuration × metric over successful trials (SUMMARY_COLUMNS).

    The Δ and CI columns compare each configuration's median with the baseline's (the first
    configuration unless named); they are empty on the baseline's own rows.
    """
    variants = _variants(frame)
    if not variants:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    baseline = baseline if baseline in variants else variants[0]
    ok = _ok(frame)
    rows = []
    for variant in variants:
        mine = ok[ok["variant"] == variant]
        for metric, (label, unit) in METRIC_LABELS.items():
            d = describe(mine[metric])
            diff = (
                None
                if variant == baseline
                else bootstrap_median_diff(
                    ok.loc[ok["variant"] == baseline, metric], mine[metric], n_boot=n_boot, seed=seed
                )
            )
            rows.append(
                [
                    variant,
                    label,
                    unit,
                    d.n,
                    d.mean,
                    d.median,
                    d.p95,
                    d.std,
                    diff.diff if diff else None,
                    diff.low if diff else None,
                    diff.high if diff else None,
                ]
            )
    table = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    numeric = SUMMARY_COLUMNS[4:]
    table[numeric] = table[numeric].astype("float64")
    return table


def live_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Per configuration while trials arrive: trials done, failed, median TTFT and total time."""
    rows = []
    for variant in _variants(frame):
        mine = frame[frame["variant"] == variant]
        ok = mine[mine["status"] == "ok"]
        rows.append(
            [
                variant,
                len(mine),
                int((mine["status"] == "failed").sum()),
                describe(ok["ttft_ms"]).median,
                describe(ok["total_ms"]).median,
            ]
        )
    return pd.DataFrame(
        rows, columns=["configuration", "done", "failed", "TTFT median (ms)", "total median (ms)"]
    )


def median_summary(frame: pd.DataFrame, variant: str) -> dict[str, float | None]:
    """Median of every metric over `variant`'s successful trials (for metric cards)."""
    mine = _ok(frame)
    mine = mine[mine["variant"] == variant]
    return {metric: describe(mine[metric]).median for metric in METRIC_LABELS}


def _ms(value: float) -> str:
    return f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"


def _first_text(a: str, b: str, xa: pd.Series, xb: pd.Series, seed: int) -> str:
    diff = bootstrap_median_diff(xa, xb, seed=seed)
    if diff is None:
        return f"No text arrived in {a if _clean(xa).size == 0 else b}"
    ma, mb = float(np.median(_clean(xa))), float(np.median(_clean(xb)))
    if not diff.excludes_zero:
        return (
            f"First text: no clear difference between {a} and {b} (median {_ms(ma)} vs {_ms(mb)}; "
            "the 95% CI of the difference includes 0)"
        )
    (fast, f), (slow, s) = sorted([(a, ma), (b, mb)], key=lambda p: p[1])
    ratio = s / f if f > 0 else math.inf
    times = "∞" if math.isinf(ratio) else f"{ratio:.1f}"
    return f"{fast} showed first text {times}× sooner than {slow} (median {_ms(f)} vs {_ms(s)})"


def _total_time(a: str, b: str, xa: pd.Series, xb: pd.Series, seed: int) -> str:
    diff = bootstrap_median_diff(xa, xb, seed=seed)
    if diff is None:
        return "total time: not enough successful trials to compare"
    ma, mb = float(np.median(_clean(xa))), float(np.median(_clean(xb)))
    rel = abs(mb - ma) / max(ma, mb) if max(ma, mb) > 0 else 0.0
    if rel <= EQUAL_WITHIN:
        return f"total time equal within {max(1, math.ceil(rel * 100))}%"
    if not diff.excludes_zero:
        return f"total time: no clear difference ({rel:.0%} apart, but the 95% CI includes 0)"
    fast, slow = (a, b) if ma < mb else (b, a)
    return (
        f"{fast} finished {rel:.0%} sooner than {slow} (median {_ms(min(ma, mb))} vs {_ms(max(ma, mb))})"
    )


def _failures(frame: pd.DataFrame, variant: str) -> str:
    mine = frame[frame["variant"] == variant]
    failed = mine[mine["status"] == "failed"]
    if failed.empty:
        return ""
    return f" {len(failed)} of {len(mine)} trials of {variant} failed: {failed['error'].iloc[0]}"


def verdict(frame: pd.DataFrame, a: str, b: str, *, seed: int = 0) -> str:
    """One plain-language sentence comparing configurations `a` and `b` on TTFT and total time."""
    ok = _ok(frame)
    xa, xb = ok[ok["variant"] == a], ok[ok["variant"] == b]
    if xa.empty or xb.empty:
        missing = a if xa.empty else b
        text = f"No successful trials for {missing}, so there is nothing to compare."
    else:
        first = _first_text(a, b, xa["ttft_ms"], xb["ttft_ms"], seed)
        total = _total_time(a, b, xa["total_ms"], xb["total_ms"], seed)
        text = f"{first}; {total}."
    return text + _failures(frame, a) + _failures(frame, b)


def verdicts(frame: pd.DataFrame, *, seed: int = 0) -> list[str]:
    """The first configuration against each other one; [] with fewer than two."""
    variants = _variants(frame)
    return [verdict(frame, variants[0], other, seed=seed) for other in variants[1:]]
