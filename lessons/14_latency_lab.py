import streamlit as st

from components.code_panel import show_source
from components.room import ShareWithRoom
from components.run.take_home import render_take_home
from components.views.latency_lab.controls import experiment_form, lab_source, share_link
from components.views.latency_lab.history import pick_store, render_current, render_history
from components.views.latency_lab.results import render_definitions
from components.views.latency_lab.run import run_panel
from streamlab.take_home.latency_lab import inputs_for

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
    show_source(
        *lab_source(config),
        caption="`llm` is built per configuration (provider, model, latency profile); every "
        "trial gets a fresh `StreamRecorder`. This is the code that runs.",
    )
    run_panel(config, store, ShareWithRoom("latency_lab", key="lab"))
    render_take_home("latency_lab", inputs_for(config))
    render_current(key="lab_res")

with history:
    render_history(store)
