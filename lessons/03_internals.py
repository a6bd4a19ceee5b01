from dataclasses import replace

import streamlit as st

from components.code_panel import show_source
from components.figures.arrival import render_arrival
from components.run.last_run import LastRun
from components.run.layered import LayeredRun
from components.run.live_output import render_text_stream
from components.run.metric_cards import render_metric_cards
from components.run.progress import mark_ran
from components.sidebar import current_provider
from components.views.internals import render_wire_row
from streamlab.demos import internals as ci
from streamlab.measure.layers import SERVER
from streamlab.measure.recorder import StreamRecorder
from streamlab.measure.sse_capture import SSETap
from streamlab.recipes import internals as r

LANE, WIRE_RUN = "llm.stream()", "SSE lines (wire)"  # WIRE_RUN: inspect_run's label for the tap's rows

st.title("How streaming works internally")
st.caption("One run, three views: the raw SSE lines, the AIMessageChunks, and their running sum.")
st.markdown(
    "The server answers with Server-Sent Events: one `data: {...}` line per piece. The OpenAI SDK "
    "parses each line, LangChain turns it into an `AIMessageChunk`, and `chunk + chunk` merges them. "
    "Here an httpx client copies the bytes of the **same request** the chunks came from. "
    "**Notice** the empty chunks around the text, the one chunk with no SSE line at all, and the "
    "line with no chunk."
)
st.warning(
    "**The seed says** `LLM generates → token → token → token → done`. **Actually** the stream is "
    "`''` (role) → text chunks → `''` with `finish_reason` → `''` with `usage_metadata` (with "
    "`stream_usage=True`) → `''` with `chunk_position='last'`: chunk count ≠ token count."
)
question = st.text_input("Question", "Explain streaming", key="int_question")
max_tokens = st.slider("max_tokens (keeps the tables short)", 1, 60, 12, key="int_max_tokens")
show_source(r.build_tapped_llm, r.stream_chunks, r.running_sums)


@st.fragment  # Run reruns only this panel, so the request leaves sooner (bench/perceived_latency.py)
def run_panel(question: str, max_tokens: int) -> None:
    layered, last = LayeredRun("int"), LastRun("int_last")  # the probe's report reruns this
    if st.button("Run", key="int_run", type="primary"):
        if not question.strip():
            st.error("Type a question first: it is empty.")
            st.stop()
        mark_ran("internals")
        config, lanes = current_provider(), layered.start({LANE: "int_output"})
        tap, recorder = SSETap(), StreamRecorder(label="chunks (LangChain)")
        # The trace id asks the simulator to log its send times (other providers never see it).
        traced = replace(config, sim_overrides={**lanes[LANE].sim, **config.sim_overrides})
        llm = r.build_tapped_llm(traced, tap, max_tokens)
        chunks = []  # kept for the tables below; render_text_stream reports any error under the text
        live = render_text_stream(
            ci.keep(recorder.wrap(lambda: r.stream_chunks(llm, question)), chunks), key="int_output"
        )
        layered.finish(LANE, recorder, config)
        sums = list(r.running_sums(chunks))
        last.save(live=live, result=ci.inspect_run(chunks, sums, recorder, tap) if chunks else None)
        layered.end()
    else:
        last.replay_text(key="int_output")
    if (run := last.get()) and (result := run["result"]):
        render_results(result, layered)


def render_results(result: ci.Inspection, layered: LayeredRun) -> None:
    render_metric_cards(result.summary, columns=("chunks", "content_chunks", "output_tokens", "ttft_ms"))
    st.subheader("Sent by server → on the wire → received by LangChain → shown in browser")
    st.markdown(
        "**Notice** that the SSE tap's row matches *sent by server* (the same pieces, a millisecond "
        "or two later): the server layer is what crossed the wire. LangChain gets each piece a few "
        "ms after that (the SDK parses the line, LangChain builds the chunk); your browser shows it "
        "later still (websocket + rendering)."
    )
    server = (
        next((s for s in lane.summary() if s["layer"] == SERVER), None)
        if (lane := layered.lanes().get(LANE))
        else None
    )
    render_wire_row(result.arrival, WIRE_RUN, server, key="int_wire")
    layered.render(key="int_layers", intro=None)
    st.subheader("SSE lines vs chunks, per kind")
    st.dataframe(result.counts, hide_index=True)
    left, right = st.columns([3, 2])
    left.markdown("**Every `AIMessageChunk`**, with the running sum `chunks[0] + … + chunks[i]`")
    left.dataframe(result.chunk_rows, hide_index=True, key="int_chunk_table")
    right.markdown("**The raw SSE lines** of the same request")
    right.dataframe(result.sse_rows, hide_index=True, key="int_sse_table")
    st.caption(
        f"The chunk `id` is LangChain's run id ({result.chunk_id}), not the provider's "
        f"`chatcmpl-…` id in the SSE lines ({result.sse_id})."
    )
    render_arrival(result.arrival, key="int_arrival")
    st.caption("Each chunk is yielded the moment its line arrives: the two lines overlap.")
    st.subheader("What `+` does with messages and chunks")
    show_source(r.add_chunks, r.add_chunk_to_message, r.add_message_to_chunk)
    st.caption(
        "Operands from this run: the first text chunk, the usage chunk, and the final sum "
        "as an `AIMessage` (what `invoke()` returns)."
    )
    if ops := result.operands:
        for outcome in (
            ci.try_add(r.add_chunks, ops.content, ops.usage),
            ci.try_add(r.add_chunk_to_message, ops.message, ops.content),
            ci.try_add(r.add_message_to_chunk, ops.content, ops.message),
        ):
            box = st.success if outcome.merged else st.warning if outcome.ok else st.error
            box(f"`{outcome.expression}` → **{outcome.result_type}**: {outcome.detail}")
        st.caption(
            "`AIMessage + chunk` raises nothing, yet merges nothing: `BaseMessage.__add__` wraps "
            "both in a prompt template. Sum chunks with chunks, then convert the total once "
            "with `message_chunk_to_message`."
        )


run_panel(question, max_tokens)
