"""The three layers of pages 05 (one lane per chain variant) and 06 (one lane per branch) in
chromium: the browser's report arrives, every lane orders sent ≤ received ≤ shown, the browser
counted exactly the text that is shown, and the report's rerun keeps the lesson on the page."""

from __future__ import annotations

import pytest

from tests.support.browser import (
    BROWSER,
    SERVER,
    assert_layers_in_order,
    assert_no_exception,
    open_lesson,
    press_slider,
    rerun_after,
    run_until_layers,
    shown_chars,
    warn_rerun,
)

pytestmark = pytest.mark.browser
PROFILE = {"ttft": "100", "tps": "250", "jitter": "0", "seed": "1"}
# Each variant streams ~0.6 s: the browser's first paint of a run can lag by a few hundred ms on
# a busy machine, and "shown while the server still sends" must not depend on that.
SEQUENCE_PROFILE = {**PROFILE, "tps": "120"}


def run_until_browser_layers(page, button_key: str, prefix: str, lanes: int) -> dict[str, dict]:
    """{lane table key: its three-layer table} once the browser's report has filled every lane."""
    keys = [f"{prefix}_{i}" for i in range(lanes)]
    tables = run_until_layers(page, button_key, keys)
    assert_no_exception(page)
    return dict(zip(keys, tables, strict=True))


def painted_late(lanes: dict, names: list[str], *, within_ms: float | None = None) -> list[str]:
    """Streaming lanes whose browser showed nothing before their server's last chunk (or, with
    `within_ms`, not within that long after the server's first chunk)."""
    late = []
    for name in names:
        sent, shown = lanes[name][SERVER], lanes[name][BROWSER]["first"]
        if shown >= sent["last"] if within_ms is None else shown - sent["first"] >= within_ms:
            late.append(name)
    return late


def assert_ordered(lanes: dict, shown: dict[str, int]) -> None:
    for lane, table in lanes.items():
        assert_layers_in_order(table, shown[lane])


def test_sequence_every_variant_lane_reaches_the_browser_after_langchain(page, app_url):
    open_lesson(page, app_url, "sequence", **SEQUENCE_PROFILE)
    # Default variants, in recipes.VARIANTS order: 0 seed chain, 1 + plain function,
    # 2 + RunnableLambda(generator), 3 + RunnableGenerator, 6 + plain function + StrOutputParser().
    streaming = ["seq_layers_0", "seq_layers_3"]
    lanes = run_until_browser_layers(page, "seq_run", "seq_layers", 5)
    if late := painted_late(lanes, streaming):  # a stalled browser painted everything at the end
        warn_rerun("seq_run", late)
        lanes = run_until_browser_layers(page, "seq_run", "seq_layers", 5)
    outputs = [0, 1, 2, 3, 6]
    assert sorted(lanes) == [f"seq_layers_{i}" for i in range(5)], lanes
    shown = {f"seq_layers_{i}": shown_chars(page, f"seq_out_{out}") for i, out in enumerate(outputs)}
    assert all(n > 100 for n in shown.values()), shown  # the report's rerun kept every answer
    assert_ordered(lanes, shown)
    # Streaming variants: the browser shows text while the server still sends; after a plain
    # function (or a generator inside RunnableLambda) only after the server's last chunk.
    assert not painted_late(lanes, streaming), lanes
    for blocking in ("seq_layers_1", "seq_layers_2", "seq_layers_4"):
        times = lanes[blocking]
        assert times[BROWSER]["first"] >= times[SERVER]["last"], (blocking, times)
    assert page.locator('.st-key-seq_table [data-testid="stTable"]').count() == 1  # the comparison
    assert page.locator('[data-testid="stMetric"]').count() == 5 * 4


def test_parallel_both_branch_lanes_reach_the_browser_side_by_side(page, app_url):
    open_lesson(page, app_url, "parallel", **PROFILE)
    rerun_after(page, page.locator(".st-key-par_sequential label").click)  # no baseline: faster
    press_slider(page, "par_max_tokens", "Home", value="20")
    lanes = run_until_browser_layers(page, "par_run", "par_layers", 2)
    if late := painted_late(lanes, ["par_layers_1"], within_ms=300):  # see the sequence test
        warn_rerun("par_run", late)
        lanes = run_until_browser_layers(page, "par_run", "par_layers", 2)
    assert sorted(lanes) == ["par_layers_0", "par_layers_1"], lanes
    shown = {
        "par_layers_0": shown_chars(page, "par_text_short"),
        "par_layers_1": shown_chars(page, "par_text_detailed"),
    }
    assert all(n > 20 for n in shown.values()), shown  # the report's rerun kept both answers
    assert_ordered(lanes, shown)
    short, detailed = lanes["par_layers_0"], lanes["par_layers_1"]
    # Concurrent: `detailed` starts only its own longer TTFT later (4 × 100 ms), not after
    # `short`'s whole answer, and the browser paints it right after its server sent it.
    assert detailed[SERVER]["first"] < short[SERVER]["first"] + 3 * 100 + 250, (short, detailed)
    assert not painted_late(lanes, ["par_layers_1"], within_ms=300), detailed
    assert page.get_by_text("Every chunk is a one-key dict").count() == 1
