import streamlit as st

from components.charts import render_arrival
from components.code_panel import show_source
from components.live_output import render_text_stream
from components.metric_cards import render_metric_cards
from components.provider_sidebar import current_provider
from streamlab.providers import build_chat_model
from streamlab.recipes.llm_direct import invoke_answer, stream_answer
from streamlab.recorder import StreamRecorder

st.title("Streaming an LLM directly")
st.caption("The seed's first cell: `for chunk in llm.stream(...)` — every chunk as it arrives.")
st.markdown(
    "A chat model's `.stream()` sends the request with `stream: true` and yields an "
    "`AIMessageChunk` for each piece of text the server sends. `.invoke()` waits for the "
    "whole answer. **Notice** how the first words appear long before the answer is done "
    "when streaming, and how the total time barely changes."
)

question = st.text_input("Question", "Explain streaming runnables", key="direct_question")
streaming = st.toggle("Stream with `llm.stream()` (off: `llm.invoke()`)", value=True, key="direct_stream")
recipe = stream_answer if streaming else invoke_answer
show_source(recipe, caption="`llm` is the ChatOpenAI built from the sidebar's provider settings.")

if st.button("Run", key="direct_run", type="primary"):
    if not question.strip():
        st.error("Type a question first: the prompt is empty.")
        st.stop()
    llm = build_chat_model(current_provider())
    recorder = StreamRecorder(label="llm.stream()" if streaming else "llm.invoke()")
    if streaming:
        render_text_stream(recorder.wrap(lambda: recipe(llm, question)))
    else:
        with st.spinner("Waiting for the whole answer…"):
            render_text_stream(recorder.wrap(lambda: [recipe(llm, question)]))
    summary = recorder.summary()
    render_metric_cards(summary)
    render_arrival(recorder.to_dataframe(), {recorder.label: summary["ttft_ms"]}, key="direct_arrival")
