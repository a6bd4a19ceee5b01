"""The embedded simulator, started once per app process (not once per rerun or session)."""

from __future__ import annotations

import streamlit as st

from streamlab.server import start_embedded
from streamlab.serving import RunningServer


@st.cache_resource(show_spinner="Starting the embedded OpenAI-compatible simulator…")
def embedded_server() -> RunningServer:
    return start_embedded()
