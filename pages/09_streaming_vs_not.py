import streamlit as st

from components.code_panel import show_source
from components.metric_cards import render_metric_cards
from components.progress import mark_ran
from components.provider_sidebar import current_provider
from components.trials_chart import render_trials
from streamlab.providers import build_chat_model
from streamlab.recipes.comparison import measure_invoke, measure_stream
from streamlab.trials import (
    MEDIAN_LABELS,
    medians,
    mode_row,
    run_trials,
    seed_table,
    to_frame,
    verdict_for,
)

st.title("Streaming vs non-streaming")
st.caption("The seed's comparison table, turned into numbers from repeated runs.")
st.markdown(
    "One run proves little: networks and servers jitter. Here each mode runs N times on the same "
    "prompt (alternating which goes first) and the medians are compared. **Notice** which number "
    "moves and which does not: the time to the first visible text drops a lot when streaming, "
    "the total time stays where it was."
)
st.warning(
    "**The seed says** Latency: streaming *Low*, non-streaming *High*. **Actually** total latency "
    "is about the same either way: the model needs as long to write the answer. Only the time to "
    "the first visible output changes. The measured table below shows both numbers."
)
prompt = st.text_input("Prompt", "Explain latency in LLM apps", key="cmp_prompt")
n = st.slider("Trials per mode", 1, 20, 5, key="cmp_trials")
show_source(measure_stream, measure_invoke)

if st.button("Run", key="cmp_run", type="primary"):
    if not prompt.strip():
        st.error("Type a prompt first: it is empty.")
        st.stop()
    mark_ran("streaming_vs_not")
    llm = build_chat_model(current_provider())
    measure = {"stream": lambda: measure_stream(llm, prompt),
               "invoke": lambda: measure_invoke(llm, prompt)}
    progress, trials = st.progress(0.0, text="Starting…"), []
    for trial in run_trials(measure, n):
        trials.append(trial)
        progress.progress(len(trials) / (2 * n), text=f"trial {trial.trial}/{n}: {trial.mode}")
    progress.empty()
    st.session_state["cmp_frame"] = to_frame(trials)

if (frame := st.session_state.get("cmp_frame")) is not None:
    if failed := frame["error"].notna().sum():
        st.error(f"{failed} of {len(frame)} trials failed: {frame['error'].dropna().iloc[0]}")
    table = medians(frame)
    if (sentence := verdict_for(table)) is not None:
        st.success(f"**Verdict (medians of {frame['trial'].max()} trials per mode):** {sentence}")
        st.markdown("**Streaming**, with the difference to non-streaming:")
        render_metric_cards(mode_row(table, "stream"), columns=("ttft_ms", "total_ms", "chunks"),
                            delta_from=mode_row(table, "invoke"))
        st.dataframe(table.rename(columns=MEDIAN_LABELS), hide_index=True, key="cmp_medians")
        render_trials(frame, key="cmp_chart")
        st.subheader("The seed's table, measured")
        wide = {"What the numbers say": st.column_config.TextColumn(width="large")}
        st.dataframe(seed_table(table), hide_index=True, column_config=wide, key="cmp_seed_table")
    with st.expander("Every trial"):
        st.dataframe(frame, hide_index=True)
st.page_link("pages/14_latency_lab.py", label="Bigger experiments (more trials, profiles, export): "
             "the latency lab", icon="🧪")
