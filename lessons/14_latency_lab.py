import streamlit as st

from components.code_panel import show_source
from components.run.progress import mark_ran
from components.views.latency_lab.controls import (
    chain_source,
    experiment_form,
    lab_endpoints,
    share_link,
)
from components.views.latency_lab.history import (
    current_experiment,
    keeper,
    pick_store,
    render_compare,
    render_import,
    render_saved,
    show_notice,
)
from components.views.latency_lab.results import render_definitions, render_experiment, run_live
from streamlab.lab.runner import TIMERS, unusable

st.title("Latency lab")
st.caption("Repeatable streaming vs non-streaming experiments: many trials, statistics, saved history.")
st.markdown(
    "One run proves little: networks jitter and the first request pays for the connection. Here you "
    "pick a chain and the configurations to compare, run each one N times (concurrently, after "
    "warm-up runs), and get medians with confidence intervals and a verdict in plain words. "
    "**Notice** that streaming brings the *first* text forward while the total time stays the same, "
    "and that a blocking step after the model (chain *Sequence with a blocking step*) erases even that."
)
st.warning(
    "**The seed says** streaming has *Low* latency and non-streaming *High*. **Actually** streaming "
    "only shortens the time to first text; the answer is finished at the same time either way. Run "
    "the default experiment: the verdict measures both, and the URL now shares this exact setup."
)
render_definitions()
main, history = st.container(), st.container()
with history:
    st.header("History")
    store = pick_store()

with main:
    config = experiment_form()
    share_link(config)
    timers = dict.fromkeys(TIMERS[v.mode, v.api] for v in config.variants if (v.mode, v.api) in TIMERS)
    show_source(
        *chain_source(config.chain),
        *timers,
        caption="`llm` is built per configuration (provider, model, latency profile); every "
        "trial gets a fresh `StreamRecorder`. This is the code that runs.",
    )
    run_col, stop_col, _ = st.columns([1, 1, 6])
    run = run_col.button("Run", key="lab_run", type="primary")
    stop_col.button("Stop", key="lab_stop", help="Stops the trials in flight and keeps what finished.")
    if run:
        endpoints = lab_endpoints()
        problems = config.problems() or unusable(config, endpoints)
        for problem in problems:
            st.error(problem)
        if problems:
            st.stop()
        mark_ran("latency_lab")
        run_live(config, endpoints, keep=keeper(store))
    show_notice()
    current = current_experiment()
    if current is not None:
        render_experiment(current, key="lab_res")

with history:
    saved, compare, imported = st.tabs(["Saved experiments", "Compare two", "Import JSON"])
    with saved:
        render_saved(store)
    with compare:
        render_compare(store)
    with imported:
        render_import(store)
