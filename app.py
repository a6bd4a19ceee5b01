"""Streaming Runnables Lab: the table of contents, plus the shared provider sidebar."""

import streamlit as st

from components.provider_sidebar import render_provider_sidebar

st.set_page_config(page_title="Streaming Runnables Lab", page_icon=":material/waves:", layout="wide")


def lesson(file: str, title: str, icon: str, **options) -> st.Page:
    return st.Page(f"pages/{file}.py", title=title, icon=f":material/{icon}:", **options)


sections = {
    "Start here": [
        lesson("01_overview", "Overview & mental model", "explore", default=True),
        lesson("02_why_streaming", "Why streaming matters", "flag"),
        lesson("03_internals", "How streaming works internally", "biotech"),
    ],
    "Streaming runnables": [
        lesson("04_llm_direct", "Streaming an LLM directly", "bolt"),
        lesson("05_sequence", "RunnableSequence", "link"),
        lesson("06_parallel", "RunnableParallel", "call_split"),
        lesson("07_astream_events", "astream_events", "timeline"),
        lesson("08_can_cannot_stream", "What can and cannot stream", "fact_check"),
    ],
    "In practice": [
        lesson("09_streaming_vs_not", "Streaming vs non-streaming", "compare_arrows"),
        lesson("10_use_cases", "Use cases", "chat"),
        lesson("11_common_mistakes", "Common mistakes", "report"),
        lesson("12_tool_calls", "Streaming tool calls", "build"),
        lesson("13_fastapi", "Streaming + FastAPI", "lan"),
    ],
    "Lab": [lesson("14_latency_lab", "Latency lab", "science")],
    "Wrap-up": [lesson("15_takeaways", "Takeaways & quiz", "school")],
}
page = st.navigation(sections)
render_provider_sidebar()
page.run()
