from contextlib import nullcontext

import pandas as pd
import streamlit as st

from components.code_panel import show_source
from components.figures.trials import render_trials
from components.run.last_run import LastRun
from components.run.layered import LAYERS_INTRO, LayeredRun
from components.run.live_output import render_text_stream
from components.run.metric_cards import render_metric_cards
from components.run.progress import mark_ran
from components.sidebar import current_provider
from streamlab.client.providers import build_chat_model
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
shown = {"llm.stream()": "cmp_text_stream", "llm.invoke()": "cmp_text_invoke"}  # lane: its text's key
NOTICE = (
    " **Here** `llm.invoke()` has one update per layer, all at about the same late moment, "
    "while your browser shows the first words of `llm.stream()` a few tens of ms after the server "
    "sent them: the medians above, seen on the screen."
)


@st.fragment  # Run reruns only this panel; the browser's report (a rerun) then redraws the last run
def run_panel(prompt: str, n: int) -> None:
    layered, last = LayeredRun("cmp"), LastRun("cmp_last")
    clicked = st.button("Run", key="cmp_run", type="primary")
    if clicked:
        if not prompt.strip():
            st.error("Type a prompt first: it is empty.")
            st.stop()
        mark_ran("streaming_vs_not")
        llm = build_chat_model(current_provider())
        measure = {
            "stream": lambda: measure_stream(llm, prompt),
            "invoke": lambda: measure_invoke(llm, prompt),
        }
        progress, trials = st.progress(0.0, text="Starting…"), []
        for trial in run_trials(measure, n):
            trials.append(trial)
            progress.progress(len(trials) / (2 * n), text=f"trial {trial.trial}/{n}: {trial.mode}")
        progress.empty()
        st.session_state["cmp_frame"] = to_frame(trials)
    if (frame := st.session_state.get("cmp_frame")) is None:
        return
    results = st.container()  # drawn last, so its charts load while no text is on its way
    st.subheader("On screen: one more request per mode")
    st.caption(
        "After the trials, `llm.stream(prompt)` and then `[llm.invoke(prompt)]` "
        "(the lanes of *Why streaming matters*) run once more, drawn as they arrive."
    )
    columns = dict(zip(shown, st.columns(2), strict=True))
    if clicked:
        config, runs = current_provider(), layered.start(shown)
        texts = {}
        for (lane, key), recipe in zip(shown.items(), (streamed_lane, invoked_lane), strict=True):
            # Each lane is its own request: its own model, whose trace id the simulator logs sends under.
            llm = build_chat_model(config, sim=runs[lane].sim)
            recorder = StreamRecorder(label=lane)
            with columns[lane]:
                st.markdown(f"**`{lane}`**")
                chunks = recorder.wrap(lambda recipe=recipe, llm=llm: recipe(llm, prompt))
                whole = recipe is invoked_lane
                with st.spinner("Waiting for the whole answer…") if whole else nullcontext():
                    texts[lane] = render_text_stream(chunks, key=key)
            layered.finish(lane, recorder, config)
        last.save(**texts)
        layered.end()
    else:
        for lane, column in columns.items():
            with column:
                st.markdown(f"**`{lane}`**")
                last.replay_text(key=shown[lane], field=lane)
    layered.render(key="cmp_layers", intro=LAYERS_INTRO + NOTICE)
    with results:
        render_trial_results(frame)


def render_trial_results(frame: pd.DataFrame) -> None:
    if failed := frame["error"].notna().sum():
        st.error(f"{failed} of {len(frame)} trials failed: {frame['error'].dropna().iloc[0]}")
    table = medians(frame)
    if (sentence := verdict_for(table)) is not None:
        st.success(f"**Verdict (medians of {frame['trial'].max()} trials per mode):** {sentence}")
        st.markdown("**Streaming**, with the difference to non-streaming:")
        render_metric_cards(
            mode_row(table, "stream"),
            columns=("ttft_ms", "total_ms", "chunks"),
            delta_from=mode_row(table, "invoke"),
        )
        st.dataframe(table.rename(columns=MEDIAN_LABELS), hide_index=True, key="cmp_medians")
        render_trials(frame, key="cmp_chart")
        st.subheader("The seed's table, measured")
        wide = {"What the numbers say": st.column_config.TextColumn(width="large")}
        st.dataframe(seed_table(table), hide_index=True, column_config=wide, key="cmp_seed_table")
    with st.expander("Every trial"):
        st.dataframe(frame, hide_index=True)


run_panel(prompt, n)
st.page_link(
    "lessons/14_latency_lab.py",
    label="Bigger experiments (more trials, profiles, export): the latency lab",
    icon="🧪",
)
