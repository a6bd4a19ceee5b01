"""The latency lab's Run: the Run and Stop buttons, the checks before anything is sent, the live run.

The lab runs many trials on its own runner (not the layered timing of one request), but its
Run goes through the same shared pieces as every lesson: the prompt check and the progress mark.
`run_live` keeps the experiment on a background thread and redraws from the script thread
(Streamlit calls only work there). Pressing Stop reruns the script, which interrupts the loop
here: the `finally` block stops the trials and keeps what finished, so nothing is lost.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import streamlit as st

from components.room import Shared, ShareWithRoom, render_shared
from components.run.progress import mark_ran
from components.views.latency_lab.controls import lab_endpoints
from components.views.latency_lab.history import keeper
from streamlab.client.untrusted import as_text
from streamlab.client.validation import prompt_problem
from streamlab.lab.background import progress_text, start_experiment
from streamlab.lab.endpoints import Endpoints, key_notices, unusable
from streamlab.lab.experiments import ExperimentConfig, Variant
from streamlab.lab.results import Experiment, trials_frame
from streamlab.lab.shares import lab_numbers
from streamlab.lab.stats import live_table
from streamlab.lab.store import ExperimentStore

__all__ = ["run_live", "run_panel"]

_REDRAW_S = 0.5


def _prompt_problem(prompts: tuple[str, ...]) -> str | None:
    # The shared check, per prompt: none at all reads as "the prompt is empty".
    return next(filter(None, map(prompt_problem, prompts or ("",))), None)


def run_panel(
    config: ExperimentConfig, store: ExperimentStore | None, sharing: ShareWithRoom | None = None
) -> None:
    """Run and Stop; on Run, check the prompts, the settings and the endpoints, then run live,
    and share the result with the room if the learner opted in (`sharing`).

    Above the buttons: which configurations will run without the key typed in the sidebar."""
    endpoints = lab_endpoints()
    if sharing is not None:
        sharing.ask()
    for notice in key_notices(config, endpoints):  # before Run: the learner sees where it goes
        st.warning(as_text(notice), icon=":material/key_off:")
    run_col, stop_col, _ = st.columns([1, 1, 6])
    clicked = run_col.button("Run", key="lab_run", type="primary")
    stop_col.button("Stop", key="lab_stop", help="Stops the trials in flight and keeps what finished.")
    if not clicked:
        return
    prompt = _prompt_problem(config.prompts)
    problems = ([prompt] if prompt else []) or config.problems() or unusable(config, endpoints)
    for problem in problems:
        st.error(as_text(problem))
    if problems:
        return
    mark_ran("latency_lab")
    experiment = run_live(config, endpoints, store=store, keep=keeper(store))
    if sharing is not None and (shared := _share(sharing, experiment)) is not None:
        render_shared(shared)


def _share(sharing: ShareWithRoom, experiment: Experiment) -> Shared | None:
    """The experiment's first streaming configuration (against invoke on the same model), shared
    under that configuration's provider kind and model: not the sidebar's, which it may not use."""
    if (found := lab_numbers(experiment)) is None:
        first = experiment.config.variants[0] if experiment.config.variants else Variant("-")
        return sharing.share(first.provider, first.model, None)
    variant, numbers = found
    return sharing.share(variant.provider, variant.model, numbers)


def run_live(
    config: ExperimentConfig,
    endpoints: Endpoints,
    *,
    store: ExperimentStore | None,
    keep: Callable[[Experiment, str | None], None],
) -> Experiment:
    """Run with a progress bar and a live table, saving each trial to `store` as it finishes;
    `keep` receives the (possibly partial) result and the first save error, if any.

    `keep` also runs when Stop interrupts the script, so it must not call Streamlit (not even
    `st.session_state[...] = `, which is an interruption point too).
    """
    run = start_experiment(config, endpoints, store)
    planned = config.trials * len(config.variants)
    warmups = config.warmup * len(config.variants)
    labels = [v.label for v in config.variants]
    bar = st.progress(0.0, text=progress_text(0, planned, 0.0, 0, warmups))
    live = st.empty()
    finished, last_draw = False, 0.0
    try:
        for _ in run.iter_trials(poll_s=0.1):
            received = run.received
            elapsed = time.perf_counter() - run.started
            bar.progress(
                len(received) / planned,
                text=progress_text(len(received), planned, elapsed, run.warmups_done, warmups),
            )
            if received and time.perf_counter() - last_draw > _REDRAW_S:
                live.dataframe(live_table(trials_frame(received, labels)), hide_index=True)
                last_draw = time.perf_counter()
        finished = True
    finally:
        if not finished:  # Stop pressed (or the session ended): keep what finished
            run.stop()
        experiment = run.snapshot(wait_s=0 if finished else 1.0)  # let stopped trials be saved
        keep(experiment, run.save_error)
    live.empty()
    bar.empty()
    if run.error is not None:
        error = f"{type(run.error).__name__}: {run.error}"
        st.error(as_text(f"The experiment stopped unexpectedly: {error}"))
    return experiment
