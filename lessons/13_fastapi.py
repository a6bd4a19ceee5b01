import streamlit as st

from components.code_panel import show_source
from components.run.probe import PaintProbe
from components.run.progress import mark_ran
from components.servers import chat_server
from components.sidebar import current_provider
from components.views.fastapi import ScreenTimes, live_bytes, render_gotchas, render_wire_result
from streamlab.measure import wire
from streamlab.measure.layers import EpochAnchor, new_trace_id
from streamlab.recipes import fastapi as recipes

ENDPOINTS = {
    "/chat": ("the seed: text/plain from a sync generator", [recipes.chat]),
    "/chat/async": (
        "text/plain from an async generator",
        [recipes.token_stream_async, recipes.chat_async],
    ),
    "/chat/sse": ("Server-Sent Events: token / error / end", [recipes.sse_events, recipes.chat_sse]),
}
FRONTS = {"": "nothing", "/gzip": "GZipMiddleware", "/proxy": "a buffering proxy (stand-in)"}

st.title("Streaming + FastAPI")
st.caption("The seed's `StreamingResponse` route as a real local server, watched byte by byte.")
st.markdown(
    "This page runs the seed's FastAPI app for real, on a free loopback port of this machine. The "
    "chain behind every route is the seed's `RunnableLambda | ChatPromptTemplate | ChatOpenAI`. Send "
    "a request and see each chunk the client reads, next to the moment the chain produced it on the "
    "server. **Notice** how little HTTP adds when nothing sits in between, and how much a buffering "
    "proxy adds."
)
st.warning(
    "**The seed says** its route *enables SSE-like behavior*. **Actually** `text/plain` has no events "
    "and no way to report an error once `200 OK` is sent: a model failure just cuts the body off, and "
    "if the client hangs up, the seed's sync generator keeps the model generating. Both are measured in "
    "the tabs below, next to the fixes (`chain.astream`, SSE with an `error` event)."
)

config = current_provider()
server = chat_server()
embedded = config.kind == "embedded"
cfg = {"cfg": server.register(config)}  # the key stays in the server process; the token picks it

left, middle, right = st.columns(3)
path = left.radio(
    "Endpoint", list(ENDPOINTS), key="fa_endpoint", format_func=lambda p: f"{p}: {ENDPOINTS[p][0]}"
)
streaming = middle.toggle("Streaming (off: `/chat/full`, one body)", value=True, key="fa_stream")
front = right.radio("In front of the app", list(FRONTS), format_func=FRONTS.get, key="fa_front")
question = st.text_input("Question (`q`)", "Explain RAG", key="fa_question")
fault = st.toggle(
    "Break the model after 5 chunks (`fault=drop_after:5`, embedded simulator only)",
    key="fa_fault",
    disabled=not embedded,
)

show_source(
    recipes.build_chain,
    *(ENDPOINTS[path][1] if streaming else [recipes.chat_full]),
    caption="The app's routes call these functions: this is the code that answers the request "
    "(the server appends a pass-through probe to the chain to timestamp its chunks).",
)
path = path if streaming else "/chat/full"
params = {"q": question, **cfg, **({"fault": "drop_after:5"} if fault and embedded else {})}
url = server.base_url + front + path
st.markdown("Try the same request from a terminal (`-N` turns off curl's own buffering):")
st.code(wire.curl_command(url, params), language="bash")
st.link_button(
    "Open the browser client (fetch + ReadableStream, EventSource)",
    f"{server.base_url}/?cfg={cfg['cfg']}",
)

run = st.button("Run", key="fa_run", type="primary")
body = st.container(key="fa_body").empty()
probe = PaintProbe("fa")  # times when your browser painted the body (its report reruns the page)
if run:
    if not question.strip():
        st.error("Type a question first: `q` is empty.")
        st.stop()
    mark_ran("fastapi")
    paint_id, anchor = new_trace_id(), EpochAnchor.now()
    probe.mount(target_key="fa_body", run_id=paint_id)
    recording = wire.record(url, params=params, on_chunk=live_bytes(body))
    st.session_state["fa_result"] = (recording, wire.fetch_run(server.base_url, recording.run_id))
    st.session_state["fa_screen"] = (paint_id, anchor)
if (result := st.session_state.get("fa_result")) is not None:
    body.code(result[0].text or "(empty body)", language=None, wrap_lines=True)
    paint_id, anchor = st.session_state["fa_screen"]
    render_wire_result(*result, ScreenTimes(anchor, probe.result(paint_id)))
    if run:
        probe.mark_end(paint_id)  # all drawn: the browser may report now

st.subheader("Real-world gotchas, measured")
st.caption(
    "These demos pace the simulator at 60 tokens/s so there is time to watch (other providers "
    "ignore it)."
)
render_gotchas(
    server,
    {"q": question or "Explain RAG", **cfg},
    sim_url=config.base_url.removesuffix("/v1") if embedded else None,
)
