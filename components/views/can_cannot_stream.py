"""Views of "What can and cannot stream": the rows measured one by one, then the verdict cards, the
table and the chunk strip chart (components/figures/strip.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

from components.figures.render import render_figure
from components.figures.strip import chunk_strip_figure
from components.run.layered import langchain_clock_note
from components.run.live_output import render_run_error
from components.run.panel import RunContext, Saved
from components.run.tables import render_evidence_table
from streamlab.client.providers import build_chat_model
from streamlab.demos.can_cannot_stream import measure_cases, to_components_table, verdict_counts
from streamlab.recipes.can_cannot_stream import CASES

__all__ = ["SIM_LATENCY", "render_chunk_strip", "run_rows", "show_rows"]

SIM_LATENCY = {"ttft_ms": 100, "tokens_per_s": 150}  # enough time for "early" vs "at the end" to show


def run_rows(ctx: RunContext) -> Saved:
    """Measure every row of the table, drawing the rows measured so far as they come."""
    llm = build_chat_model(ctx.config, sim=SIM_LATENCY)  # pinned latency, not the sidebar's
    table, results = st.empty(), []
    try:
        with st.status(f"Measuring {len(CASES)} rows…", expanded=False) as status:
            for case, measurement in measure_cases(CASES, llm):
                results.append((case, measurement))
                table.dataframe(to_components_table(results), hide_index=True)
                status.update(label=f"Measured {len(results)}/{len(CASES)}: {case.component}")
            status.update(label="All rows measured", state="complete")
    except Exception as exc:  # e.g. a bad key: keep the rows measured so far
        render_run_error(exc, partial=bool(results))
    table.empty()
    return {"results": results}


def show_rows(saved: Saved) -> None:
    if not (results := saved["results"]):
        return
    rows = to_components_table(results)
    for column, (verdict, count) in zip(st.columns(3), verdict_counts(results).items(), strict=False):
        column.metric(verdict, count)
    render_evidence_table(rows, key="cc_table")  # every row, each verdict and first chunk whole
    st.markdown(
        "**Notice** the LLM, `RunnableGenerator`, the parsers and the seed chain spread their ticks "
        "over the run, while a plain `RunnableLambda` (even as the second-to-last step) puts everything "
        "at the end, and the prompt and the retriever answer at once in a single chunk."
    )
    render_chunk_strip(
        [m.frame for _, m in results], {m.label: m.verdict for _, m in results}, key="cc_strip"
    )
    st.caption(langchain_clock_note("Chunk times"))


def render_chunk_strip(
    frames: Sequence[pd.DataFrame], verdicts: Mapping[str, str] | None = None, *, key: str | None = None
) -> None:
    render_figure(chunk_strip_figure(frames, verdicts), key=key)
