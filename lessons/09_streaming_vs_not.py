import streamlit as st

from components.code_panel import show_source
from components.room import ShareWithRoom
from components.run.panel import TimedRun
from components.run.predict import PredictThenRun
from components.run.predictions import PREDICTIONS
from components.run.take_home import render_take_home
from components.views.streaming_vs_not import (
    LANES,
    NOTICE,
    comparison_result,
    replay_comparison,
    run_comparison,
)
from streamlab.catalog import lesson
from streamlab.recipes.streaming_vs_not import measure_invoke, measure_stream

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
comparison = TimedRun("streaming_vs_not", key="cmp")
predict = PredictThenRun("streaming_vs_not", PREDICTIONS["streaming_vs_not"], key="cmp")
sharing = ShareWithRoom("streaming_vs_not", key="cmp")


@st.fragment  # Run reruns only this panel; the browser's report (a rerun) then redraws the last run
def run_panel(prompt: str, n: int) -> None:
    predict.ask()
    sharing.ask()
    comparison.panel(
        prompt=prompt,
        lanes=LANES,
        run=sharing.run(predict.run(lambda ctx: run_comparison(ctx, prompt, n)), comparison_result),
        replay=replay_comparison,
        show=sharing.show(predict.show()),
        layers_intro=NOTICE,
    )


run_panel(prompt, n)
render_take_home("streaming_vs_not", {"PROMPT": prompt, "TRIALS": n})
st.page_link(
    lesson("latency_lab").file,
    label="Bigger experiments (more trials, profiles, export): the latency lab",
    icon=":material/science:",
)
