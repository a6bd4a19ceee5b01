"""The latency lab's results: metric definitions, verdicts, tables, charts and downloads.

The analysis (bootstrap CIs) is cached per experiment, so a rerun only redraws.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from components.figures.lab import (
    distribution_figure,
    ecdf_figure,
    render_lab_figure,
    sample_arrival_figure,
    timeline_figure,
)
from components.run.metric_cards import render_metric_cards
from components.views.latency_lab.text import for_plotly
from streamlab.client.untrusted import as_text
from streamlab.lab.files import chunks_csv, to_json, trials_csv
from streamlab.lab.results import Experiment, chunks_frame, combined_frames, trials_frame
from streamlab.lab.stats import METRIC_LABELS, median_summary, summary_table, verdicts

__all__ = [
    "DEFINITIONS",
    "render_comparison",
    "render_definitions",
    "render_experiment",
    "render_headline",
]

DEFINITIONS = """
- **TTFT** (time to first token): request start → the first chunk with **non-empty** content.
  The empty role chunk that opens every stream does not count. For `invoke`, TTFT = total time.
- **Total time**: request start → the end of the stream (or the return of `invoke`).
- **Output speed** (Artificial Analysis convention): (tokens − 1) / (last − first content chunk),
  so it **excludes** TTFT. **Throughput** (llmperf's per-request throughput): tokens / total
  time, so it **includes** TTFT. Both are shown because they answer different questions.
- **Chunks are counted separately from tokens**: chunks include the empty role, finish and usage
  chunks; tokens come from the provider's `usage_metadata` (else the non-empty chunk count).
- **Inter-chunk gap**: time between consecutive non-empty chunks; p50 and p95 per trial.
- **Which clock**: every time here is taken where LangChain hands a chunk to your code (the
  *received by LangChain* layer). Trials are never drawn on screen, so there is no *shown in
  browser* time; *Streaming an LLM directly* shows all three layers of one run, browser included.
- Statistics use successful trials; **Δ** compares each configuration's median with the first
  (baseline) configuration, with a 95% bootstrap confidence interval (seeded, 2,000 resamples).
"""


def render_definitions() -> None:
    with st.expander("Metric definitions (how every number below is measured)", expanded=True):
        st.markdown(DEFINITIONS)


@dataclass(frozen=True, slots=True)
class _Analysis:
    trials: pd.DataFrame
    chunks: pd.DataFrame
    table: pd.DataFrame
    verdicts: list[str]


def _analyse(trials: pd.DataFrame, chunks: pd.DataFrame, seed: int) -> _Analysis:
    return _Analysis(trials, chunks, summary_table(trials, seed=seed), verdicts(trials, seed=seed))


def _cached(key: tuple, build: Callable[[], _Analysis]) -> _Analysis:
    # The bootstrap runs once per experiment (or pair), not on every rerun.
    cache = st.session_state.setdefault("_lab_analysis", {})
    if key not in cache:
        if len(cache) > 4:
            cache.clear()
        cache[key] = build()
    return cache[key]


def render_experiment(experiment: Experiment, *, key: str) -> None:
    """Everything about one experiment: header, verdicts, summary, charts, downloads."""
    name = f"#{experiment.id} {experiment.config.name}" if experiment.id else experiment.config.name
    st.subheader(as_text(f"Results: {name}"))
    config = experiment.config
    st.caption(
        as_text(
            f"{experiment.created_at} · chain: {config.chain} · {config.trials} trials × "
            f"{len(config.variants)} configurations · concurrency {config.concurrency} · "
            f"wall time {experiment.wall_ms / 1000:.1f} s · seed {config.seed}"
        )
    )
    if experiment.status == "stopped":
        st.info(
            f"Stopped after {len(experiment.trials)} of {experiment.planned} trials: "
            "these are partial results."
        )
    elif experiment.status == "interrupted":
        st.warning(
            f"Interrupted: the app stopped (closed, restarted or killed) during this experiment, "
            f"after {len(experiment.trials)} of {experiment.planned} trials. These are the trials "
            "saved before it stopped."
        )
    analysis = _cached(
        ("one", id(experiment), len(experiment.trials)),
        lambda: _analyse(
            trials_frame(experiment.trials, experiment.labels),
            chunks_frame(experiment.trials),
            config.seed,
        ),
    )
    _render_analysis(analysis, key=key)
    _downloads(experiment, key=key)


def render_comparison(first: Experiment, second: Experiment, *, key: str) -> None:
    """Two past experiments overlaid: their configurations side by side, the first one as baseline."""
    named = {f"#{first.id}": first, f"#{second.id}": second}
    analysis = _cached(
        ("pair", first.id, second.id), lambda: _analyse(*combined_frames(named), first.config.seed)
    )
    _render_analysis(analysis, key=key)


def _render_analysis(analysis: _Analysis, *, key: str) -> None:
    trials = analysis.trials
    names = list(dict.fromkeys(trials["variant"]))
    if len(names) < 2:
        st.info("Only one configuration: add a second one to get a verdict.")
    for sentence in analysis.verdicts:
        st.success(f"**Verdict:** {as_text(sentence)}")
    if len(names) >= 2:
        render_headline(trials, names)
    table = analysis.table.copy()
    for i, column in enumerate(table.columns[4:]):
        sign = "+" if i >= 4 else ""  # the Δ and CI columns
        table[column] = [("—" if pd.isna(v) else f"{v:{sign},.1f}") for v in table[column]]
    height = min(36 * (len(table) + 1) + 3, 900)
    st.dataframe(table, hide_index=True, key=f"{key}_summary", height=height)
    _failures(trials)
    _charts(analysis, key=key)


def render_headline(trials: pd.DataFrame, names: list[str]) -> None:
    """Every configuration's medians, one row of cards each: the baseline first, the others with
    their deltas from it, so both sides of the comparison are in view."""
    baseline = median_summary(trials, names[0])
    st.caption(
        f"Medians of each configuration; the deltas compare with **{as_text(names[0])}** (baseline)."
    )
    for index, name in enumerate(names):
        role = " (baseline)" if index == 0 else ""
        st.markdown(f"**{as_text(name)}**{role}")
        render_metric_cards(
            median_summary(trials, name),
            delta_from=None if index == 0 else baseline,
            columns=("ttft_ms", "total_ms", "output_speed_tps", "throughput_tps"),
        )


def _failures(trials: pd.DataFrame) -> None:
    failed = trials[trials["status"] == "failed"]
    if failed.empty:
        return
    st.warning(
        f"{len(failed)} trial(s) failed. They are kept with their error and partial timings "
        "and left out of the statistics."
    )
    st.dataframe(
        failed[["variant", "trial", "error_type", "error", "ttft_ms", "total_ms", "chunks"]],
        hide_index=True,
    )


def _charts(analysis: _Analysis, *, key: str) -> None:
    trials, chunks = for_plotly(analysis.trials), for_plotly(analysis.chunks)
    tabs = ["Distributions", "TTFT ECDF", "Sample run", "Trial timeline"]
    dist, cdf, arrival, timeline = st.tabs(tabs)
    with dist:
        left, right = st.columns([3, 1])
        metric = left.selectbox(
            "Metric",
            list(METRIC_LABELS)[:6],
            key=f"{key}_metric",
            format_func=lambda m: METRIC_LABELS[m][0],
        )
        violin = right.toggle("Violin", key=f"{key}_violin")
        render_lab_figure(
            distribution_figure(trials, metric, "violin" if violin else "box"),
            key=f"{key}_dist",
        )
    with cdf:
        st.caption("Share of trials whose first text came within x ms: further left is sooner.")
        render_lab_figure(ecdf_figure(trials, "ttft_ms"), key=f"{key}_ecdf")
    with arrival:
        st.caption("One typical trial per configuration (total time closest to its median).")
        figure = sample_arrival_figure(trials, chunks)
        render_lab_figure(figure, key=f"{key}_arrival")
    with timeline:
        st.caption("Each bar is a trial on the experiment clock; overlapping bars ran concurrently.")
        render_lab_figure(timeline_figure(trials), key=f"{key}_timeline")


def _downloads(experiment: Experiment, *, key: str) -> None:
    stem = "".join(c if c.isalnum() else "-" for c in experiment.config.name).strip("-") or "experiment"
    a, b, c = st.columns(3)
    # Callables: the files are built only when clicked, not on every rerun.
    a.download_button(
        "Trials CSV",
        lambda: trials_csv(experiment),
        f"{stem}-trials.csv",
        "text/csv",
        key=f"{key}_dl_trials",
        on_click="ignore",
    )
    b.download_button(
        "Chunks CSV",
        lambda: chunks_csv(experiment),
        f"{stem}-chunks.csv",
        "text/csv",
        key=f"{key}_dl_chunks",
        on_click="ignore",
    )
    c.download_button(
        "Experiment JSON",
        lambda: to_json(experiment),
        f"{stem}.json",
        "application/json",
        key=f"{key}_dl_json",
        on_click="ignore",
    )
