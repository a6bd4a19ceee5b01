"""The FastAPI page's request: which route, what sits in front of it, the question, a fault; then
the code that answers it, the same request as a curl line, and the browser client's link.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from components.code_panel import show_source
from streamlab.client.providers import ProviderConfig
from streamlab.demos.fastapi.client import curl_command
from streamlab.demos.fastapi.server import ChatServer
from streamlab.recipes import fastapi as recipes

__all__ = ["ChatRequest", "pick_request", "render_request"]

ENDPOINTS: dict[str, tuple[str, list[Callable[..., object]]]] = {
    "/chat": ("the seed: text/plain from a sync generator", [recipes.chat]),
    "/chat/async": (
        "text/plain from an async generator",
        [recipes.token_stream_async, recipes.chat_async],
    ),
    "/chat/sse": ("Server-Sent Events: token / error / end", [recipes.sse_events, recipes.chat_sse]),
}
FRONTS = {"": "nothing", "/gzip": "GZipMiddleware", "/proxy": "a buffering proxy (stand-in)"}
FAULT = "drop_after:5"


@dataclass(frozen=True, slots=True)
class ChatRequest:
    """One request to the chat server, as the controls set it."""

    base_url: str  # the chat server
    path: str  # the route answering it ("/chat/full" when streaming is off)
    front: str  # "" or the mount in front of the app ("/gzip", "/proxy")
    question: str
    cfg: dict[str, str]  # {"cfg": token}: the session's provider, registered with the server
    fault: bool  # break the model after 5 chunks (embedded simulator only)
    code: tuple[Callable[..., object], ...]  # the recipes that answer it

    @property
    def url(self) -> str:
        return self.base_url + self.front + self.path

    @property
    def params(self) -> dict[str, Any]:
        return {"q": self.question, **self.cfg, **({"fault": FAULT} if self.fault else {})}


def pick_request(server: ChatServer, config: ProviderConfig) -> ChatRequest:
    """The route, the front, the question and the fault toggle (keys `fa_*`)."""
    embedded = config.kind == "embedded"
    left, middle, right = st.columns(3)
    path = left.radio(
        "Endpoint", list(ENDPOINTS), key="fa_endpoint", format_func=lambda p: f"{p}: {ENDPOINTS[p][0]}"
    )
    streaming = middle.toggle("Streaming (off: `/chat/full`, one body)", value=True, key="fa_stream")
    front = right.radio("In front of the app", list(FRONTS), format_func=FRONTS.get, key="fa_front")
    question = st.text_input("Question (`q`)", "Explain RAG", key="fa_question")
    fault = st.toggle(
        f"Break the model after 5 chunks (`fault={FAULT}`, embedded simulator only)",
        key="fa_fault",
        disabled=not embedded,
    )
    return ChatRequest(
        base_url=server.base_url,
        path=path if streaming else "/chat/full",
        front=front,
        question=question,
        cfg={"cfg": server.register(config)},  # the key stays in the server process
        fault=fault and embedded,
        code=tuple(ENDPOINTS[path][1] if streaming else [recipes.chat_full]),
    )


def render_request(request: ChatRequest) -> None:
    """The code that answers the request, the request as `curl -N`, and the browser client."""
    show_source(
        recipes.build_chain,
        *request.code,
        caption="The app's routes call these functions: this is the code that answers the request "
        "(the server wraps the chain in a pass-through probe that timestamps its chunks).",
    )
    st.markdown("Try the same request from a terminal (`-N` turns off curl's own buffering):")
    st.code(curl_command(request.url, request.params), language="bash")
    st.link_button(
        "Open the browser client (fetch + ReadableStream, EventSource)",
        f"{request.base_url}/?cfg={request.cfg['cfg']}",
    )
