"""Lesson "RunnableParallel": one-key dict chunks, real concurrency and chunks that add up (recipes
and demo, against the embedded simulator), then the page under AppTest (one page run per scenario).

Each branch is its own request, so on the page its own lane (a tab) with its own server trace.
AppTest runs no JavaScript: the browser layer stays empty here; the browser test
(tests/e2e/test_lessons_browser.py) covers it in chromium.
"""

from __future__ import annotations

import time
import warnings

import pandas as pd
import pytest
from langchain_core.messages import AIMessageChunk
from langchain_core.runnables.utils import AddableDict

from streamlab.client.providers import ProviderConfig, embedded_config
from streamlab.demos.parallel import (
    BranchBoard,
    branch_sims,
    build_branch_models,
    concurrency,
    describe_total,
    for_sim_model,
    parallel_checks,
)
from streamlab.measure.layers import BROWSER, LANGCHAIN, SERVER
from streamlab.measure.recorder import StreamRecorder
from streamlab.recipes.parallel import (
    add_up,
    build_parallel,
    stream_one_after_the_other,
    stream_parallel,
)
from streamlab.sim.answers import LatencyProfile
from tests.support.apptest import open_page, texts

PAGE = "lessons/06_parallel.py"
# Small but overlapping latencies: `detailed` waits 4× longer and streams at 0.4× the speed.
PROFILE = {"sim_ttft_ms": 20.0, "sim_tokens_per_s": 400.0, "sim_jitter_ms": 0.0, "sim_seed": 1}
HOLDS, FAILS = ":material/check_circle: Holds:", ":material/cancel: Fails:"  # icon + word
QUESTION = "Explain RAG"
FAST = {"ttft_ms": 30, "tokens_per_s": 100}  # `short`: first text early
SLOW = {"ttft_ms": 150, "tokens_per_s": 80}  # `detailed`: later, slower, longer


# --- recipes and the branch board ----------------------------------------------------------------


@pytest.fixture
def branches(make_llm):
    return {
        "short": make_llm(model="sim-fast", sim=FAST, max_tokens=30),
        "detailed": make_llm(model="sim-detailed", sim=SLOW, max_tokens=40),
    }


def _stream(parallel) -> tuple[list[dict], StreamRecorder]:
    recorder = StreamRecorder(label="parallel")
    return list(recorder.wrap(lambda: stream_parallel(parallel, QUESTION))), recorder


def test_stream_when_two_branches_then_one_key_dicts_from_both_with_text(branches):
    chunks, _ = _stream(build_parallel(**branches))
    assert all(isinstance(chunk, dict) and len(chunk) == 1 for chunk in chunks)
    assert {key for chunk in chunks for key in chunk} == {"short", "detailed"}
    assert all(isinstance(value, AIMessageChunk) for chunk in chunks for value in chunk.values())
    texts = {name: "".join(c[name].text for c in chunks if name in c) for name in ("short", "detailed")}
    assert "Retrieval-Augmented Generation" in texts["short"]
    assert len(texts["detailed"]) > 50


def test_stream_when_branches_overlap_then_chunks_interleave(branches):
    board = BranchBoard(["short", "detailed"])
    for i, chunk in enumerate(stream_parallel(build_parallel(**branches), QUESTION)):
        board.add(chunk, float(i))
    assert board.switches >= 2  # `short` came back after `detailed` had already sent text
    assert board.multi_key_chunks == 0


def test_fast_branch_ttft_is_lower_than_detailed_branch_ttft(branches):
    _, recorder = _stream(build_parallel(**branches))
    per_branch = recorder.summary()["branches"]
    assert per_branch["short"]["ttft_ms"] < per_branch["detailed"]["ttft_ms"]
    assert per_branch["detailed"]["ttft_ms"] >= SLOW["ttft_ms"] * 0.9


def test_branches_run_concurrently_total_is_the_slowest_not_the_sum(branches):
    sequential = StreamRecorder(label="one after the other")
    list(sequential.wrap(lambda: stream_one_after_the_other(branches, QUESTION)))
    for _ in range(3):  # a stall only makes a run longer: up to three tries at the parallel one
        _, parallel = _stream(build_parallel(**branches))
        timing = concurrency(parallel.summary(), sequential.summary())
        if timing.parallel_ms < 0.85 * timing.sequential_ms:
            break
    assert timing.parallel_ms < timing.sum_ms
    assert timing.parallel_ms < 0.85 * timing.sequential_ms  # measured, not inferred
    # ≈ the slowest branch: nearer to it than to the sum (a busy machine adds its own delay on top)
    assert timing.parallel_ms - timing.slowest_ms < timing.sum_ms - timing.parallel_ms, timing
    assert "not the sum" in timing.summary()


def test_stream_when_two_equal_waits_then_wall_time_is_one_wait_not_two(make_llm):
    slow = {"ttft_ms": 250, "tokens_per_s": 0}
    models = {"a": make_llm(sim=slow, max_tokens=3), "b": make_llm(sim=slow, max_tokens=3)}
    started = time.perf_counter()
    list(stream_one_after_the_other(models, QUESTION))
    sequential_s = time.perf_counter() - started
    assert sequential_s >= 0.5  # two 250 ms waits in a row
    for _ in range(3):  # a stall only makes a run longer (one read 1.28 s): up to three tries
        started = time.perf_counter()
        list(stream_parallel(build_parallel(models["a"], models["b"]), QUESTION))
        parallel_s = time.perf_counter() - started
        if parallel_s < 0.8 * sequential_s:
            break
    assert parallel_s < 0.8 * sequential_s  # RunnableParallel.stream runs branches on threads


def test_add_up_when_all_chunks_then_equals_the_invoked_dict(branches):
    parallel = build_parallel(**branches)
    chunks, _ = _stream(parallel)
    total = add_up(chunks)
    assert isinstance(total, AddableDict) and set(total) == {"short", "detailed"}
    invoked = parallel.invoke(QUESTION)  # same seed and prompt → same simulated answers
    assert {k: v.text for k, v in total.items()} == {k: v.text for k, v in invoked.items()}
    assert add_up([]) is None


def test_parallel_checks_when_real_run_then_all_pass(branches):
    board = BranchBoard(list(branches))
    for i, chunk in enumerate(stream_parallel(build_parallel(**branches), QUESTION)):
        board.add(chunk, float(i))
    checks = parallel_checks(board, branches)
    assert [c.ok for c in checks] == [True, True, True, True], checks
    assert describe_total(board.total).startswith("AddableDict({'")


def test_parallel_checks_when_chunk_has_two_keys_then_one_key_claim_fails():
    board = BranchBoard(["a", "b"])
    board.add(AddableDict(a=AIMessageChunk(content="x"), b=AIMessageChunk(content="y")), 1.0)
    checks = {c.claim: c.ok for c in parallel_checks(board, ["a", "b"])}
    assert checks["Every chunk is a one-key dict"] is False
    assert checks["Chunks from both branches interleave"] is False  # one chunk: a then b, once


def test_board_when_many_chunks_then_log_is_capped_and_ttft_skips_empty_chunks():
    board = BranchBoard(["a"], log_limit=3)
    board.add({"a": AIMessageChunk(content="")}, 1.0)
    for t in range(2, 10):
        board.add({"a": AIMessageChunk(content="w")}, float(t))
    board.add({"a": AIMessageChunk(content="", response_metadata={"finish_reason": "stop"})}, 10.0)
    assert len(board.log) == 3 and board.log_truncated
    assert board.branches["a"].first_ms == 2.0  # the empty role chunk is not the first token
    assert board.branches["a"].finish_reason == "stop"
    assert board.branches["a"].text == "w" * 8


def test_branch_sims_when_sidebar_profile_then_detailed_is_slower():
    sims = branch_sims(LatencyProfile(ttft_ms=150, tokens_per_s=80))
    assert sims == {
        "short": {"ttft_ms": 150, "tokens_per_s": 80},
        "detailed": {"ttft_ms": 600, "tokens_per_s": 32},
    }


def test_build_branch_models_when_embedded_then_sim_models_with_their_own_latency(sim_base_url):
    config = embedded_config(sim_base_url, profile=LatencyProfile(ttft_ms=100, tokens_per_s=50))
    models = build_branch_models(config, max_tokens=5)
    names = {n: m.model_name for n, m in models.items()}
    assert names == {"short": "sim-fast", "detailed": "sim-detailed"}
    assert models["detailed"].extra_body["sim"]["ttft_ms"] == 400
    assert models["short"].max_tokens == 5


def test_for_sim_model_when_real_provider_then_keeps_its_model():
    config = ProviderConfig("openai", "https://api.openai.com/v1", "gpt-4o-mini")
    assert for_sim_model(config, "sim-detailed").model == "gpt-4o-mini"


def test_concurrency_when_no_baseline_then_sequential_is_none():
    summary = {"total_ms": 100.0, "branches": {"a": {"total_ms": 90.0}, "b": {"total_ms": 60.0}}}
    timing = concurrency(summary)
    assert (timing.slowest_ms, timing.sum_ms, timing.sequential_ms) == (90.0, 150.0, None)


# --- the page --------------------------------------------------------------------------------------


def _ms(value: str) -> float:
    return float(value.removesuffix(" ms").replace(",", ""))


def _checks(at) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith((HOLDS, FAILS))]


def _layer_tables(at) -> dict[str, pd.DataFrame]:
    """{tab label: its three-row table} of the layers section."""
    return {
        tab.label: next(t.value for t in tab.table if "first token (ms)" in t.value.columns)
        for tab in at.tabs
        if any("first token (ms)" in t.value.columns for t in tab.table)
    }


def _run(*, max_tokens: int, baseline: bool):
    at = open_page(PAGE, profile=PROFILE)
    at.slider(key="par_max_tokens").set_value(max_tokens)
    if not baseline:
        at.checkbox(key="par_sequential").uncheck()
    at.button(key="par_run").click().run()
    assert not at.exception
    return at


def test_when_run_with_baseline_then_both_branches_stream_prove_the_lesson_and_survive_a_rerun():
    at = _run(max_tokens=60, baseline=True)
    page = texts(at)
    assert "{'short': AIMessageChunk(content=" in page and "{'detailed': AIMessageChunk(content=" in page
    assert page.count("Retrieval-Augmented Generation") >= 2  # both columns got their answer
    assert "add_up(chunks) → AddableDict({'" in page  # key order = which branch answered first
    assert "'short': AIMessageChunk(content=" in page and "'detailed': AIMessageChunk(content=" in page
    checks = _checks(at)
    assert len(checks) == 4 and all(c.startswith(HOLDS) for c in checks), checks
    ttfts = [_ms(m.value) for m in at.metric if m.label == "TTFT"]
    assert len(ttfts) == 2 and ttfts[0] < ttfts[1]  # `short` column first, then `detailed`
    cards = {m.label: m.value for m in at.metric}
    assert _ms(cards["Parallel run"]) < _ms(cards["Sum of branches"])
    assert _ms(cards["Parallel run"]) < _ms(cards["One after the other"])
    assert len(at.get("plotly_chart")) == 1 + 2  # arrival + a layer chart per branch
    assert "parallel" in at.session_state["lessons_run"]

    at.run()  # e.g. the browser's report: the same run is drawn again
    assert not at.exception
    page = texts(at)
    assert page.count("Retrieval-Augmented Generation") >= 2  # both branch texts are back
    assert "add_up(chunks) → AddableDict({'" in page
    checks = _checks(at)
    assert len(checks) == 4 and all(c.startswith(HOLDS) for c in checks), checks
    assert [m.label for m in at.metric].count("TTFT") == 2
    assert {m.label: m.value for m in at.metric} == cards  # the same numbers, not a new run
    assert list(_layer_tables(at)) == ["short", "detailed"]
    assert len(at.get("plotly_chart")) == 1 + 2  # arrival + one layer chart per branch


def _concurrent_start(tables: dict[str, pd.DataFrame]) -> tuple[float, float, bool]:
    """Both branches start together; `detailed` waits 4× the sidebar's TTFT (80 vs 20 ms)."""
    short, detailed = (tables[n].loc[SERVER, "first token (ms)"] for n in ("short", "detailed"))
    return short, detailed, short < detailed < short + 400


def test_when_run_without_baseline_then_no_sequential_time_and_each_branch_has_its_own_trace():
    at = _run(max_tokens=40, baseline=False)
    if not _concurrent_start(_layer_tables(at))[2]:  # a stalled worker thread: once more
        warnings.warn(
            "parallel run: a branch started late (a loaded machine?); ran it once more", stacklevel=2
        )
        at = _run(max_tokens=40, baseline=False)
    assert {m.label: m.value for m in at.metric}["One after the other"] == "—"
    tables = _layer_tables(at)
    assert list(tables) == ["short", "detailed"]
    for name, table in tables.items():
        assert list(table.index) == [SERVER, LANGCHAIN, BROWSER], name
        assert table.loc[SERVER, "updates"] == table.loc[LANGCHAIN, "updates"] > 10, name
        assert table.loc[SERVER, "chars"] == table.loc[LANGCHAIN, "chars"] > 0, name
        assert table.loc[SERVER, "first token (ms)"] <= table.loc[LANGCHAIN, "first token (ms)"], name
        assert pd.isna(table.loc[BROWSER, "first token (ms)"]), name
    short, detailed, together = _concurrent_start(tables)
    assert together, (short, detailed)
    assert "needs a real browser tab" in texts(at)
    assert "the one-after-the-other baseline has none" in texts(at).replace("\n", " ")


def test_when_question_empty_then_refused_and_nothing_runs():
    at = open_page(PAGE)
    at.text_input(key="par_question").set_value("  ")
    at.button(key="par_run").click().run()
    assert not at.exception
    assert "prompt is empty" in at.error[0].value
    assert not at.metric and not _checks(at)
    assert "lessons_run" not in at.session_state  # not counted as run
