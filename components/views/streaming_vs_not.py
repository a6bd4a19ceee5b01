"""Views of "Streaming vs non-streaming": N trials per mode, then one more request per mode drawn on
screen (its three layers follow), with the medians, the verdict and the seed's table above them."""

from __future__ import annotations

from contextlib import nullcontext
from functools import partial

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.figures.trials import render_trials
from components.run.last_run import render_saved_text
from components.run.live_output import render_text_stream
from components.run.metric_cards import render_metric_cards
from components.run.panel import RunContext, Saved
from components.run.tables import render_evidence_table
from streamlab.lab.shares import Numbers, trials_numbers
from streamlab.measure.recorder import StreamRecorder
from streamlab.measure.trials import (
    MEDIAN_LABELS,
    medians,
    mode_row,
    run_trials,
    seed_table,
    to_frame,
    verdict_for,
)
from streamlab.recipes.streaming_vs_not import measure_invoke, measure_stream
from streamlab.recipes.why_streaming import invoked_lane, streamed_lane

__all__ = [
    "LANES",
    "NOTICE",
    "comparison_result",
    "render_trial_results",
    "replay_comparison",
    "run_comparison",
]

LANES = {"llm.stream()": "cmp_text_stream", "llm.invoke()": "cmp_text_invoke"}  # lane: its text's key
NOTICE = (
    " **Here** `llm.invoke()` has one update per layer, all at about the same late moment, "
    "while your browser shows the first words of `llm.stream()` a few tens of ms after the server "
    "sent them: the medians above, seen on the screen."
)


def run_comparison(ctx: RunContext, prompt: str, n: int) -> Saved:
    """`n` trials per mode with a progress bar, then each mode once more, drawn as it arrives."""
    llm = ctx.model()  # the trials are not traced: only the requests drawn on screen are
    measure = {
        "stream": lambda: measure_stream(llm, prompt),
        "invoke": lambda: measure_invoke(llm, prompt),
    }
    progress, trials = st.progress(0.0, text="Starting…"), []
    for trial in run_trials(measure, n):
        trials.append(trial)
        progress.progress(len(trials) / (2 * n), text=f"trial {trial.trial}/{n}: {trial.mode}")
    progress.empty()
    results, columns = _layout()
    texts = {}
    for (lane, key), recipe in zip(LANES.items(), (streamed_lane, invoked_lane), strict=True):
        lane_llm = ctx.model(lane)  # each lane is its own request, traced under its own id
        recorder = StreamRecorder(label=lane)
        with columns[lane]:
            chunks = recorder.wrap(partial(recipe, lane_llm, prompt))
            whole = recipe is invoked_lane
            with st.spinner("Waiting for the whole answer…") if whole else nullcontext():
                texts[lane] = render_text_stream(chunks, key=key)
        ctx.finish(lane, recorder)
    frame = to_frame(trials)
    with results:  # drawn last, so its charts load while no text is on its way
        render_trial_results(frame)
    return {"frame": frame, **texts}


def comparison_result(saved: Saved) -> Numbers | None:
    """What the trials put on the class board (their medians), if the learner shares them."""
    return trials_numbers(saved["frame"])


def replay_comparison(saved: Saved) -> None:
    results, columns = _layout()
    for lane, column in columns.items():
        with column:
            render_saved_text(saved[lane], key=LANES[lane])
    with results:
        render_trial_results(saved["frame"])


def _layout() -> tuple[DeltaGenerator, dict[str, DeltaGenerator]]:
    """The trials' results on top, then one titled column per lane."""
    results = st.container()
    st.subheader("On screen: one more request per mode")
    st.caption(
        "After the trials, `llm.stream(prompt)` and then `[llm.invoke(prompt)]` "
        "(the lanes of *Why streaming matters*) run once more, drawn as they arrive."
    )
    columns = dict(zip(LANES, st.columns(2), strict=True))
    for lane, column in columns.items():
        column.markdown(f"**`{lane}`**")
    return results, columns


def render_trial_results(frame: pd.DataFrame) -> None:
    if failed := frame["error"].notna().sum():
        st.error(f"{failed} of {len(frame)} trials failed: {frame['error'].dropna().iloc[0]}")
    table = medians(frame)
    stream, invoke = mode_row(table, "stream"), mode_row(table, "invoke")
    if stream is not None and (sentence := verdict_for(table)) is not None:  # both modes have results
        st.success(f"**Verdict (medians of {frame['trial'].max()} trials per mode):** {sentence}")
        st.markdown("**Streaming**, with the difference to non-streaming:")
        render_metric_cards(stream, columns=("ttft_ms", "total_ms", "chunks"), delta_from=invoke)
        st.dataframe(table.rename(columns=MEDIAN_LABELS), hide_index=True, key="cmp_medians")
        render_trials(frame, key="cmp_chart")
        st.subheader("The seed's table, measured")
        render_evidence_table(seed_table(table), key="cmp_seed_table")  # what the numbers say, whole
    with st.expander("Every trial"):
        st.dataframe(frame, hide_index=True)
