import streamlit as st

from components.code_panel import show_source
from components.run.panel import TimedRun
from components.run.predict import PredictThenRun
from components.run.predictions import PREDICTIONS
from components.run.take_home import render_take_home
from components.views.parallel import LANES, replay_branches, run_branches, show_results
from streamlab.recipes.parallel import (
    add_up,
    build_parallel,
    stream_one_after_the_other,
    stream_parallel,
)

st.title("RunnableParallel")
st.caption("The seed's cell 3: `short` and `detailed` answer the same question at the same time.")
st.markdown(
    "`RunnableParallel(short=…, detailed=…)` hands the input to every branch at once (on a thread "
    "pool). Its `.stream()` yields each chunk the moment *any* branch produces one, wrapped in a dict "
    "with that branch's key. **Notice** that `short` starts and finishes first while `detailed` is "
    "still thinking, that every chunk has exactly one key, and that the whole run lasts about as long "
    "as the slowest branch, not as long as both together."
)
st.warning(
    "**The seed shows** only `{'short': …}` chunks, which reads as if `short` streams first and "
    "`detailed` after it. **Actually** its printout is just cut off: both branches stream at the same "
    "time and their chunks interleave. Watch the raw log below, and the checks under it."
)
branches = TimedRun("parallel", key="par")
predict = PredictThenRun("parallel", PREDICTIONS["parallel"], key="par")


@st.fragment  # Run reruns only this panel, so the requests leave sooner (bench/perceived_latency.py)
def run_panel() -> None:
    question = st.text_input("Question", "Explain RAG", key="par_question")
    max_tokens = st.slider("max_tokens per branch", 20, 300, 120, step=10, key="par_max_tokens")
    baseline_on = st.checkbox(
        "Also time the branches one after the other (the baseline)", value=True, key="par_sequential"
    )
    show_source(
        build_parallel,
        stream_parallel,
        add_up,
        stream_one_after_the_other,
        caption=(
            "`short` and `detailed` are ChatOpenAI models from the sidebar's provider. "
            "With the embedded simulator they are `sim-fast` and `sim-detailed`: "
            "`detailed` waits 4× the sidebar's TTFT and streams at 0.4× its speed, "
            "like gpt-4 next to gpt-3.5-turbo."
        ),
    )
    predict.ask()
    branches.panel(
        prompt=question,
        lanes=LANES,
        run=predict.run(
            lambda ctx: run_branches(ctx, question, max_tokens=max_tokens, baseline_on=baseline_on)
        ),
        replay=replay_branches,
        show=predict.show(show_results),
    )
    render_take_home(
        "parallel", {"QUESTION": question, "MAX_TOKENS": max_tokens, "BASELINE": baseline_on}
    )


run_panel()
