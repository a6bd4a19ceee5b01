"""The app's local servers, each started once per app process (not per rerun or session)."""

from __future__ import annotations

import httpx
import streamlit as st

from streamlab.client.providers import embedded_config
from streamlab.client.warm import warm_up
from streamlab.demos.fastapi.server import ChatServer, start_chat_server
from streamlab.sim.server import start_embedded
from streamlab.sim.serving import RunningServer


@st.cache_resource(show_spinner="Starting the embedded OpenAI-compatible simulator…")
def embedded_server() -> RunningServer:
    server = start_embedded()
    warm_up(embedded_config(server.base_url))  # the first run a learner times is not a cold start
    return server


@st.cache_resource(show_spinner="Starting the FastAPI chat server…")
def chat_server() -> ChatServer:
    # Requests without cfg= use the embedded simulator's own defaults (handy for curl).
    server = start_chat_server(embedded_config(embedded_server().base_url))
    # One throwaway request, so the first measured run doesn't pay for lazy imports.
    httpx.get(
        server.base_url + "/chat/full",
        params={"q": "warm up", "ttft_ms": 0, "tokens_per_s": 0},
        timeout=30,
    )
    return server
