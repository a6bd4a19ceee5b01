"""Streaming Runnables Lab: the table of contents, plus the shared provider sidebar."""

import streamlit as st

from components.provider_sidebar import render_provider_sidebar

st.set_page_config(page_title="Streaming Runnables Lab", page_icon="🌊", layout="wide")

sections = {
    "Streaming runnables": [
        st.Page("pages/04_llm_direct.py", title="Streaming an LLM directly", icon="⚡", default=True),
    ],
}
page = st.navigation(sections)
render_provider_sidebar()
page.run()
