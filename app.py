"""Streaming Runnables Lab: the table of contents, plus the shared provider sidebar."""

import streamlit as st

from components.provider_sidebar import render_provider_sidebar

st.set_page_config(page_title="Streaming Runnables Lab", page_icon=":material/waves:", layout="wide")

sections = {
    "Start here": [
        st.Page("pages/01_overview.py", title="Overview & mental model", icon=":material/explore:", default=True),
        st.Page("pages/02_why_streaming.py", title="Why streaming matters", icon=":material/flag:"),
        st.Page("pages/03_internals.py", title="How streaming works internally", icon=":material/biotech:"),
    ],
    "Streaming runnables": [
        st.Page("pages/04_llm_direct.py", title="Streaming an LLM directly", icon=":material/bolt:"),
        st.Page("pages/05_sequence.py", title="RunnableSequence", icon=":material/link:"),
        st.Page("pages/06_parallel.py", title="RunnableParallel", icon=":material/call_split:"),
        st.Page("pages/07_astream_events.py", title="astream_events", icon=":material/timeline:"),
        st.Page("pages/08_can_cannot_stream.py", title="What can and cannot stream", icon=":material/fact_check:"),
    ],
    "In practice": [
        st.Page("pages/09_streaming_vs_not.py", title="Streaming vs non-streaming", icon=":material/compare_arrows:"),
        st.Page("pages/10_use_cases.py", title="Use cases", icon=":material/chat:"),
        st.Page("pages/11_common_mistakes.py", title="Common mistakes", icon=":material/report:"),
        st.Page("pages/12_tool_calls.py", title="Streaming tool calls", icon=":material/build:"),
        st.Page("pages/13_fastapi.py", title="Streaming + FastAPI", icon=":material/lan:"),
    ],
    "Lab": [
        st.Page("pages/14_latency_lab.py", title="Latency lab", icon=":material/science:"),
    ],
    "Wrap-up": [
        st.Page("pages/15_takeaways.py", title="Takeaways & quiz", icon=":material/school:"),
    ],
}
page = st.navigation(sections)
render_provider_sidebar()
page.run()
