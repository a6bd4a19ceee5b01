import streamlit as st

from components.run.panel import TimedRun
from components.run.take_home import render_take_home
from components.servers import chat_server
from components.sidebar import current_provider
from components.views.fastapi import (
    BODY_KEY,
    BODY_LANE,
    pick_request,
    render_gotchas,
    render_request,
    replay_body,
    run_request,
    show_result,
)

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
request = pick_request(server, config)
render_request(request)
timed = TimedRun("fastapi", key="fa")


@st.fragment  # a click reruns only this panel, and so does the browser's paint report
def run_panel() -> None:
    timed.panel(
        prompt=request.question,
        lanes={BODY_LANE: BODY_KEY},  # the probe times when your browser painted the body
        run=lambda ctx: run_request(ctx, request),
        replay=replay_body,
        show=lambda saved: show_result(saved, timed.layered.probe),
        layers_table=False,  # "On your screen" is a row of the wire result instead
    )


run_panel()
render_take_home("fastapi", {"QUESTION": request.question, "ROUTE": request.path})

st.subheader("Real-world gotchas, measured")
st.caption(
    "These demos pace the simulator at 60 tokens/s so there is time to watch (other providers "
    "ignore it)."
)
render_gotchas(
    server,
    {"q": request.question or "Explain RAG", **request.cfg},
    sim_url=config.base_url.removesuffix("/v1") if config.kind == "embedded" else None,
)
