import streamlit as st

from components.code_panel import show_source
from components.run.panel import TimedRun
from components.run.predict import PredictThenRun
from components.run.predictions import PREDICTIONS
from components.run.take_home import render_take_home
from components.views.internals import LANES, inspected, run_inspection, show_inspection, show_wire
from streamlab.recipes import internals as r

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
    "`''` (role) → text chunks → `''` with `finish_reason` → `''` with `usage_metadata` → `''` "
    "with `chunk_position='last'`: chunk count ≠ token count. The usage chunk comes only with "
    "`stream_usage=True`: for any `base_url` but OpenAI's, `ChatOpenAI` leaves it off and "
    "`usage_metadata` is `None` while streaming (compared live under the run)."
)
question = st.text_input("Question", "Explain streaming", key="int_question")
max_tokens = st.slider("max_tokens (keeps the tables short)", 1, 60, 12, key="int_max_tokens")
show_source(r.build_tapped_llm, r.stream_chunks, r.running_sums)
inspection = TimedRun("internals", key="int")
predict = PredictThenRun("internals", PREDICTIONS["internals"], key="int")


@st.fragment  # Run reruns only this panel, so the request leaves sooner (bench/perceived_latency.py)
def run_panel(question: str, max_tokens: int) -> None:
    predict.ask()
    inspection.panel(
        prompt=question,
        lanes=LANES,
        run=predict.run(lambda ctx: run_inspection(ctx, question, max_tokens)),
        show=predict.show(show_wire),
        layers_intro=None,  # the wire row above introduces the layers
        reached_lanes=inspected,
        show_after=show_inspection,
    )


run_panel(question, max_tokens)
render_take_home("internals", {"QUESTION": question, "MAX_TOKENS": max_tokens})
