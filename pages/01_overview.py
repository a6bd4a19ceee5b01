import streamlit as st

from components.charts import render_arrival
from components.code_panel import show_source
from components.flow_diagram import render_flow_run
from components.metric_cards import render_metric_cards
from components.progress import mark_ran
from components.provider_sidebar import current_provider
from streamlab.flow import FlowTracker, invoke_as_stream, mental_model
from streamlab.providers import build_chat_model
from streamlab.recipes.overview import invoke_result, stream_chunks
from streamlab.recorder import StreamRecorder

st.title("Overview & mental model")
st.caption("`invoke() → result` versus `stream() → chunk → chunk → chunk`, on the same prompt.")
st.markdown(
    "Every LangChain runnable has both methods. `invoke()` hands you one finished `AIMessage`; "
    "`stream()` hands you `AIMessageChunk`s while the model is still writing. Press **Run** to send "
    "the same prompt both ways and watch each run travel through the seed's diagram "
    "**Input → Runnable (LLM) → Token Stream → UI / Client** (amber = busy, green = done). "
    "**Notice** that the invoke screen stays blank until the very end, while the streamed text "
    "starts after a fraction of that time and ends at about the same moment."
)
st.warning(
    "**The seed's code** builds `ChatOpenAI(streaming=True)` before calling `.stream()`. "
    "**Actually** the flag is not needed: the model below is built without it and still streams "
    "chunk by chunk (count them in the cards)."
)

prompt = st.text_input("Prompt", "Explain streaming runnables", key="ov_prompt")
lanes = {"invoke": ("llm.invoke()", "invoke() → result"),
         "stream": ("llm.stream()", "stream() → chunk → chunk")}
show_source(invoke_result, stream_chunks, caption="`llm` is the ChatOpenAI built from the sidebar.")

if st.button("Run", key="ov_run", type="primary"):
    if not prompt.strip():
        st.error("Type a prompt first: it is empty.")
        st.stop()
    mark_ran("overview")
    llm = build_chat_model(current_provider())
    recorders = {mode: StreamRecorder(label=label) for mode, (label, _) in lanes.items()}
    streams = {"invoke": invoke_as_stream(recorders["invoke"], lambda: invoke_result(llm, prompt)),
               "stream": recorders["stream"].wrap(lambda: stream_chunks(llm, prompt))}
    columns = dict(zip(lanes, st.columns(2), strict=True))
    for mode, (_, heading) in lanes.items():
        columns[mode].subheader(f"`{heading}`")
    for mode, recorder in recorders.items():  # one after the other: the race is the next lesson
        with columns[mode]:
            tracker = FlowTracker(prompt, mode)
            render_flow_run(streams[mode], tracker, key=f"ov_text_{mode}")
            render_metric_cards(recorder.summary(), columns=("ttft_ms", "total_ms", "chunks"))
    st.subheader("The mental model, filled in by this run")
    texts = {mode: [c.text for c in rec.chunks] for mode, rec in recorders.items()}
    invoked = texts["invoke"][0] if texts["invoke"] else None
    st.code(mental_model(invoked, texts["stream"]), language="text", wrap_lines=True)
    st.info(
        "**Notice** the empty chunks: the stream opens with `''` (the assistant role) and closes with "
        "empty chunks that carry the finish reason, the token usage and a final marker. So "
        f"`stream()` gave {len(texts['stream'])} chunks for "
        f"{recorders['stream'].summary()['output_tokens']} tokens of text."
    )
    summaries = {rec.label: rec.summary()["ttft_ms"] for rec in recorders.values()}
    render_arrival([rec.to_dataframe() for rec in recorders.values()], summaries, key="ov_arrival")
    st.caption("The dotted lines mark when each run first showed text (TTFT). The 'How streaming works "
               "internally' lesson opens every one of those chunks.")
