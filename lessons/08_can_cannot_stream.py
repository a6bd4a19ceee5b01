import streamlit as st

from components.code_panel import show_source
from components.run.panel import TimedRun
from components.run.predict import PredictThenRun
from components.run.predictions import PREDICTIONS
from components.run.take_home import render_take_home
from components.views.can_cannot_stream import SIM_LATENCY, run_rows, show_rows
from streamlab.measure.streamability import MIN_SPREAD_SHARE
from streamlab.recipes import can_cannot_stream as recipes

st.title("What can and cannot stream")
st.caption("The seed's table, every row measured live instead of claimed.")
st.markdown(
    "Each row streams one runnable with `.stream()` and times every chunk. Steps that *change* a "
    "stream (lambdas, generators, parsers) are measured right after the model. **Verdict:** "
    f"*streams* when several chunks carry text and they spread over at least {MIN_SPREAD_SHARE:.0%} of "
    "the run; *partial* when there are several chunks but they all arrive together at the end; "
    "*doesn't* when the whole output is one chunk."
)
st.warning(
    "**The seed says** `RunnableLambda` *doesn't stream* and `RunnableSequence` *streams if the final "
    "step streams*. "
    "**Actually** a `RunnableLambda` around a generator yields many chunks, all after the model "
    "finished; `RunnableGenerator` streams; and a sequence streams only if **every step from the LLM "
    "onward** streams: `plain lambda | StrOutputParser()` ends in a streaming step yet gives 1 chunk. "
    "The seed's table also leaves out parsers: `StrOutputParser` streams, and `JsonOutputParser` "
    "streams *cumulative* partial objects (`{}` → `{'topic': ''}` → …)."
)
with st.expander("The code behind each row"):
    show_source(
        *dict.fromkeys(case.build for case in recipes.CASES),
        recipes.build_retriever,
        caption="`llm` is the sidebar's model; the simulator is pinned at "
        f"{SIM_LATENCY['ttft_ms']} ms TTFT and {SIM_LATENCY['tokens_per_s']} tokens/s here.",
    )
predict = PredictThenRun("can_cannot_stream", PREDICTIONS["can_cannot_stream"], key="cc")
predict.ask()
TimedRun("can_cannot_stream", key="cc").panel(
    lanes={},  # no answer is drawn token by token: nothing to time in three layers
    run=predict.run(run_rows),
    show=predict.show(show_rows),
)
render_take_home("can_cannot_stream", {"SIM_LATENCY": SIM_LATENCY})
