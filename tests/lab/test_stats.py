"""Lab statistics on hand-made data: summaries, bootstrap CI, ECDF, summary table and verdicts."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from streamlab.lab.results import TrialResult, trials_frame
from streamlab.lab.stats import (
    SUMMARY_COLUMNS,
    bootstrap_median_diff,
    describe,
    ecdf,
    live_table,
    median_summary,
    summary_table,
    verdict,
    verdicts,
)


def trial(
    variant: str,
    i: int,
    ttft: float | None,
    total: float | None,
    *,
    status: str = "ok",
    error: str | None = None,
    tokens: int = 50,
) -> TrialResult:
    return TrialResult(
        variant=variant,
        trial=i,
        prompt_index=0,
        status=status,
        started_ms=0.0,
        ended_ms=total or 0.0,
        ttft_ms=ttft,
        total_ms=total,
        output_speed_tps=None,
        throughput_tps=None,
        chunks=tokens + 3,
        content_chunks=tokens,
        output_tokens=tokens,
        tokens_source="usage",
        gap_p50_ms=10.0,
        gap_p95_ms=20.0,
        gap_max_ms=30.0,
        error_type="APIError" if error else None,
        error=error,
    )


def frame(**groups: list[tuple[float | None, float | None]]) -> pd.DataFrame:
    return trials_frame(
        [
            trial(name, i, ttft, total)
            for name, rows in groups.items()
            for i, (ttft, total) in enumerate(rows)
        ]
    )


def test_describe_on_one_to_ten_matches_textbook_values():
    d = describe(list(range(1, 11)))
    assert (d.n, d.mean, d.median, d.min, d.max) == (10, 5.5, 5.5, 1, 10)
    assert d.p95 == pytest.approx(9.55)  # linear interpolation, like numpy's default
    assert d.std == pytest.approx(3.0276503540974917)  # sample std (n − 1)


@pytest.mark.parametrize(
    "given, n, std", [([], 0, None), ([None, float("nan"), 4.0], 1, None), ([2.0, 4.0], 2, math.sqrt(2))]
)
def test_describe_when_values_are_missing_then_ignores_them(given, n, std):
    d = describe(given)
    assert d.n == n
    assert d.std == (pytest.approx(std) if std is not None else None)


def test_bootstrap_when_groups_are_identical_then_ci_straddles_zero():
    values = [100.0, 102, 98, 101, 99, 103, 97, 100]
    diff = bootstrap_median_diff(values, values, seed=1)
    assert diff.diff == 0
    assert diff.low <= 0 <= diff.high
    assert not diff.excludes_zero


def test_bootstrap_when_shifted_by_100_then_ci_is_around_100():
    a = [100.0 + (i % 7) for i in range(30)]
    b = [v + 100 for v in a]
    diff = bootstrap_median_diff(a, b, seed=3)
    assert diff.diff == 100
    assert 90 <= diff.low <= 100 <= diff.high <= 110
    assert diff.excludes_zero


def test_bootstrap_is_reproducible_with_a_seed_and_none_for_an_empty_group():
    a, b = [1.0, 5, 9, 2, 7], [3.0, 8, 4, 6, 10]
    assert bootstrap_median_diff(a, b, seed=7) == bootstrap_median_diff(a, b, seed=7)
    assert bootstrap_median_diff(a, [], seed=7) is None


def test_ecdf_gives_sorted_values_and_cumulative_shares():
    assert ecdf([30.0, 10.0, 20.0, None]) == ([10.0, 20.0, 30.0], [1 / 3, 2 / 3, 1.0])
    assert ecdf([]) == ([], [])


def test_summary_table_has_one_row_per_configuration_and_metric_with_deltas_vs_baseline():
    data = frame(
        streaming=[(100, 1000), (110, 1010), (90, 990)], invoke=[(1000, 1000), (1010, 1010), (990, 990)]
    )
    table = summary_table(data, seed=0)
    assert list(table.columns) == SUMMARY_COLUMNS
    assert len(table) == 2 * 8
    ttft = table.set_index(["configuration", "metric"]).loc[("invoke", "TTFT")]
    assert (ttft["n"], ttft["median"], ttft["median Δ vs baseline"]) == (3, 1000, 900)
    assert ttft["CI 95% low"] > 0
    baseline = table[table["configuration"] == "streaming"]
    assert baseline["median Δ vs baseline"].isna().all()


def test_summary_uses_only_successful_trials():
    data = trials_frame([trial("a", 0, 100, 200), trial("a", 1, 5, 6, status="failed", error="boom")])
    row = summary_table(data).iloc[0]
    assert (row["n"], row["median"]) == (1, 100)


def test_verdict_says_how_much_sooner_text_arrived_and_that_totals_are_equal():
    data = frame(
        streaming=[(100, 1000), (101, 1001), (99, 999), (100, 1002)],
        invoke=[(790, 1000), (791, 1001), (789, 999), (790, 1002)],
    )
    text = verdict(data, "streaming", "invoke")
    assert text == (
        "streaming showed first text 7.9× sooner than invoke (median 100 ms vs 790 ms); "
        "total time equal within 1%."
    )


def test_verdict_when_totals_clearly_differ_then_names_the_faster_one():
    data = frame(A=[(100, 1000), (102, 1010), (98, 990)], B=[(300, 2000), (305, 2010), (295, 1990)])
    text = verdict(data, "A", "B")
    assert text.startswith("A showed first text 3.0× sooner than B")
    assert "A finished 50% sooner than B (median 1,000 ms vs 2,000 ms)" in text


def test_verdict_when_ttft_overlaps_then_says_no_clear_difference():
    data = frame(A=[(100, 1000), (300, 1000), (200, 1000)], B=[(110, 1000), (290, 1000), (205, 1000)])
    assert verdict(data, "A", "B").startswith("First text: no clear difference between A and B")


def test_verdict_mentions_failed_trials_with_their_message():
    data = trials_frame(
        [
            trial("s", 0, 100, 1000),
            trial("i", 0, 900, 1000),
            trial("i", 1, None, 40, status="failed", error="The connection broke."),
        ]
    )
    assert verdict(data, "s", "i").endswith("1 of 2 trials of i failed: The connection broke.")


def test_verdict_when_a_configuration_has_no_success_then_says_so():
    data = trials_frame([trial("s", 0, 100, 1000), trial("i", 0, None, 5, status="failed", error="x")])
    assert verdict(data, "s", "i").startswith("No successful trials for i")


def test_verdicts_compare_the_first_configuration_with_each_other():
    data = frame(a=[(1, 10)], b=[(1, 10)], c=[(1, 10)])
    assert [v.split(" (")[0] for v in verdicts(data)] == [
        "First text: no clear difference between a and b",
        "First text: no clear difference between a and c",
    ]
    assert verdicts(frame(a=[(1, 10)])) == []


def test_live_table_and_median_summary():
    data = trials_frame(
        [
            trial("s", 0, 100, 1000),
            trial("s", 1, 120, 1100),
            trial("s", 2, None, 5, status="failed", error="x"),
        ]
    )
    row = live_table(data).iloc[0]
    assert (row["done"], row["failed"], row["TTFT median (ms)"]) == (3, 1, 110)
    assert median_summary(data, "s")["total_ms"] == 1050
