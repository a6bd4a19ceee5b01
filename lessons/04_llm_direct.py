from collections.abc import Callable

import streamlit as st
from langchain_openai import ChatOpenAI

from components.code_panel import show_source
from components.figures.charts import render_arrival
from components.figures.flags import render_flag_chart
from components.run.last_run import LastRun
from components.run.layered import LayeredRun
from components.run.live_output import render_run_error, render_text_stream
from components.run.metric_cards import render_metric_cards
from components.run.progress import mark_ran
from components.sidebar import current_provider
from streamlab.client.providers import build_chat_model
from streamlab.client.validation import prompt_problem
from streamlab.demos.llm_direct import measure_flags, to_flag_table
from streamlab.measure.recorder import StreamRecorder
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
recipe = stream_answer if streaming else invoke_answer
show_source(recipe, caption="`llm` is the ChatOpenAI built from the sidebar's provider settings.")


# Run reruns only this panel (not app.py, the sidebar, the code above): the request leaves
# ~8 ms sooner (bench/perceived_latency.py), and the browser's report reruns only this too.
@st.fragment
def run_panel(question: str, streaming: bool, recipe: Callable[[ChatOpenAI, str], object]) -> None:
    layered, last = LayeredRun("direct"), LastRun("direct_last")  # the probe's report reruns this
    if st.button("Run", key="direct_run", type="primary"):
        if problem := prompt_problem(question):
            st.error(problem)
            st.stop()
        mark_ran("llm_direct")
        config, lanes = current_provider(), layered.start({"output": "direct_output"})
        llm = build_chat_model(config, sim=lanes["output"].sim)  # the simulator logs its send times
        recorder = StreamRecorder(label="llm.stream()" if streaming else "llm.invoke()")
        if streaming:
            live = render_text_stream(recorder.wrap(lambda: recipe(llm, question)), key="direct_output")
        else:
            with st.spinner("Waiting for the whole answer…"):
                whole = recorder.wrap(lambda: [recipe(llm, question)])  # one chunk, when invoke returns
                live = render_text_stream(whole, key="direct_output")
        layered.finish("output", recorder, config)
        last.save(
            live=live, summary=recorder.summary(), frame=recorder.to_dataframe(), label=recorder.label
        )
        layered.end()
    else:
        last.replay_text(key="direct_output")
    if run := last.get():
        render_metric_cards(run["summary"])
        render_arrival(run["frame"], {run["label"]: run["summary"]["ttft_ms"]}, key="direct_arrival")
        layered.render(key="direct_layers")


run_panel(question, streaming, recipe)

st.divider()
st.subheader("Do you need `streaming=True`?")
st.warning(
    "**The seed says** `llm = ChatOpenAI(streaming=True)` and lists *Forgetting `streaming=True`* as a "
    "common mistake. **Actually** `ChatOpenAI().stream()` streams with the flag unset. The flag changes "
    "two things: `streaming=True` makes `.invoke()` use the streaming API too (so a callback handler "
    "receives `on_llm_new_token`), and an explicit `streaming=False` makes `.stream()` yield one chunk."
)
st.markdown(
    "Each row builds `ChatOpenAI(**flag)` (short answers: `max_tokens=12`) and runs one of these. "
    "**Notice** the `unset` rows: they stream exactly like `streaming=True`, except for `invoke()`."
)
show_source(TokenCounter, stream_counting, astream_counting, invoke_counting)
if st.button("Run the truth table", key="direct_table_run"):
    if problem := prompt_problem(question):
        st.error(problem)
        st.stop()
    mark_ran("llm_direct")
    config, rows, table_slot = current_provider(), [], st.empty()
    try:
        for row in measure_flags(lambda kw: build_chat_model(config, max_tokens=12, **kw), question):
            rows.append(row)
            table_slot.dataframe(to_flag_table(rows), hide_index=True)
    except Exception as exc:  # keep the rows measured so far
        render_run_error(exc, partial=bool(rows))
    st.session_state["direct_table"] = to_flag_table(rows)
    table_slot.empty()
if (table := st.session_state.get("direct_table")) is not None and not table.empty:
    st.dataframe(table, hide_index=True, key="direct_table_view")
    render_flag_chart(table, key="direct_flag_chart")
