import streamlit as st

from components.code_panel import show_source
from components.run.panel import TimedRun
from components.run.predict import PredictThenRun
from components.run.predictions import PREDICTIONS
from components.run.take_home import render_take_home
from components.views.llm_direct import run_answer, run_truth_table, show_answer, show_truth_table
from streamlab.recipes.llm_direct import (
    TokenCounter,
    astream_counting,
    invoke_answer,
    invoke_counting,
    stream_answer,
    stream_counting,
)

st.title("Streaming an LLM directly")
st.caption("The seed's first cell: `for chunk in llm.stream(...)` — every chunk as it arrives.")
st.markdown(
    "A chat model's `.stream()` sends the request with `stream: true` and yields an "
    "`AIMessageChunk` for each piece of text the server sends. `.invoke()` waits for the "
    "whole answer. **Notice** how the first words appear long before the answer is done "
    "when streaming, and how the total time barely changes."
)

question = st.text_input("Question", "Explain streaming runnables", key="direct_question")
streaming = st.toggle(
    "Stream with `llm.stream()` (off: `llm.invoke()`)", value=True, key="direct_stream"
)
show_source(
    stream_answer if streaming else invoke_answer,
    caption="`llm` is the ChatOpenAI built from the sidebar's provider settings.",
)
answer = TimedRun("llm_direct", key="direct")
table = TimedRun("llm_direct", key="direct_table", label="Run the truth table")


@st.fragment  # a click reruns only this panel: the request leaves sooner, the probe's report is cheap
def answer_panel() -> None:
    answer.panel(
        prompt=question,
        lanes={"output": "direct_output"},
        run=lambda ctx: run_answer(ctx, question, streaming=streaming),
        show=show_answer,
    )


answer_panel()

st.divider()
st.subheader("Do you need `streaming=True`?")
st.warning(
    "**The seed says** `llm = ChatOpenAI(streaming=True)` and lists *Forgetting `streaming=True`* as a "
    "common mistake. **Actually** `ChatOpenAI().stream()` streams with the flag unset. The flag changes "
    "two things: `streaming=True` makes `.invoke()` use the streaming API too (so a callback handler "
    "receives `on_llm_new_token`), and an explicit `streaming=False` makes `.stream()` fall back to "
    "`invoke()`: it yields one `AIMessage` (not even an `AIMessageChunk`) with the whole answer. "
    "`disable_streaming=True` does the same."
)
st.markdown(
    "Each row builds `ChatOpenAI(**flag)` (short answers: `max_tokens=12`) and runs one of these. "
    "**Notice** the `unset` rows: they stream exactly like `streaming=True`, except for `invoke()`. "
    "Every model in this lab is also built with `stream_usage=True`, so each stream ends with a "
    "chunk carrying `usage_metadata`: with a custom `base_url`, `ChatOpenAI` leaves it off and "
    "`usage_metadata` stays `None` while streaming."
)
show_source(TokenCounter, stream_counting, astream_counting, invoke_counting)
predict = PredictThenRun("llm_direct", PREDICTIONS["llm_direct"], key="direct_table")
predict.ask()
table.panel(
    prompt=question,
    lanes={},
    run=predict.run(lambda ctx: run_truth_table(ctx, question)),
    show=predict.show(show_truth_table),
)
render_take_home("llm_direct", {"QUESTION": question, "STREAMING": streaming})
