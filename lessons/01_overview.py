import streamlit as st

from components.code_panel import show_source
from components.figures.charts import render_arrival
from components.run.last_run import LastRun
from components.run.layered import LAYERS_INTRO, LayeredRun
from components.run.metric_cards import render_metric_cards
from components.run.progress import mark_ran
from components.sidebar import current_provider
from components.views.overview import render_flow_frame, render_flow_run
from streamlab.client.providers import build_chat_model
from streamlab.demos.overview import FlowTracker, invoke_as_stream, mental_model
from streamlab.measure.recorder import StreamRecorder
from streamlab.recipes.overview import invoke_result, stream_chunks

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
lanes = {
    "invoke": ("llm.invoke()", "invoke() → result"),
    "stream": ("llm.stream()", "stream() → chunk → chunk"),
}
show_source(invoke_result, stream_chunks, caption="`llm` is the ChatOpenAI built from the sidebar.")
NOTICE = (
    " **On this page** the `llm.invoke()` tab has one update per layer, all at about the same "
    "late moment; in the `llm.stream()` tab the browser shows the first words a few tens of "
    "ms after the server sent them, long before the answer is done."
)


@st.fragment  # Run reruns only this panel; the browser's report (a rerun) then redraws the last run
def run_panel(prompt: str) -> None:
    layered, last = LayeredRun("ov"), LastRun("ov_last")
    if st.button("Run", key="ov_run", type="primary"):
        if not prompt.strip():
            st.error("Type a prompt first: it is empty.")
            st.stop()
        mark_ran("overview")
        config = current_provider()
        runs = layered.start({label: f"ov_text_{mode}" for mode, (label, _) in lanes.items()})
        recorders = {mode: StreamRecorder(label=label) for mode, (label, _) in lanes.items()}
        # Each lane is its own request: its own model, whose trace id the simulator logs sends under.
        llm = {mode: build_chat_model(config, sim=runs[label].sim) for mode, (label, _) in lanes.items()}
        invoked = recorders["invoke"]
        streams = {
            "invoke": invoke_as_stream(invoked, lambda: invoke_result(llm["invoke"], prompt)),
            "stream": recorders["stream"].wrap(lambda: stream_chunks(llm["stream"], prompt)),
        }
        columns, saved = dict(zip(lanes, st.columns(2), strict=True)), {}
        for mode, (_, heading) in lanes.items():
            columns[mode].subheader(f"`{heading}`")
        for mode, recorder in recorders.items():  # one after the other: the race is the next lesson
            with columns[mode]:
                tracker = FlowTracker(prompt, mode)
                live = render_flow_run(streams[mode], tracker, key=f"ov_text_{mode}")
                layered.finish(recorder.label, recorder, config)
                saved[f"{mode}_live"] = live
                saved[mode] = {
                    "flow": tracker.finished(),
                    "summary": recorder.summary(),
                    "frame": recorder.to_dataframe(),
                    "texts": [c.text for c in recorder.chunks],
                }
        last.save(**saved)
        layered.end()
        for mode, column in columns.items():  # after both runs: no drawing while text is on its way
            with column:
                render_metric_cards(saved[mode]["summary"], columns=("ttft_ms", "total_ms", "chunks"))
    elif run := last.get():
        for (mode, (_, heading)), column in zip(lanes.items(), st.columns(2), strict=True):
            with column:
                st.subheader(f"`{heading}`")
                render_flow_frame(run[mode]["flow"])
                last.replay_text(key=f"ov_text_{mode}", field=f"{mode}_live")
                render_metric_cards(run[mode]["summary"], columns=("ttft_ms", "total_ms", "chunks"))
    if run := last.get():
        render_results(run)
        layered.render(key="ov_layers", intro=LAYERS_INTRO + NOTICE)


def render_results(run: dict) -> None:
    st.subheader("The mental model, filled in by this run")
    texts = {mode: run[mode]["texts"] for mode in lanes}
    invoked = texts["invoke"][0] if texts["invoke"] else None
    st.code(mental_model(invoked, texts["stream"]), language="text", wrap_lines=True)
    st.info(
        "**Notice** the empty chunks: the stream opens with `''` (the assistant role) and closes with "
        "empty chunks that carry the finish reason, the token usage and a final marker. So "
        f"`stream()` gave {len(texts['stream'])} chunks for "
        f"{run['stream']['summary']['output_tokens']} tokens of text."
    )
    summaries = {run[m]["summary"]["label"]: run[m]["summary"]["ttft_ms"] for m in lanes}
    render_arrival([run[m]["frame"] for m in lanes], summaries, key="ov_arrival")
    st.caption(
        "The dotted lines mark when each run first showed text (TTFT). The 'How streaming works "
        "internally' lesson opens every one of those chunks."
    )


run_panel(prompt)
