"""Views of "Streaming + FastAPI": the request's controls and code, the Run that watches its bytes
on the wire, in the chain and on your screen, and the measured gotchas under it.

Measurements live in `streamlab.measure.wire` and `streamlab.demos.fastapi` (UI-free); these
modules run them, keep the results in `st.session_state` and draw them.
"""

from __future__ import annotations

from components.views.fastapi.gotchas import render_gotchas
from components.views.fastapi.request import ChatRequest, pick_request, render_request
from components.views.fastapi.run import (
    BODY_KEY,
    BODY_LANE,
    ScreenTimes,
    replay_body,
    run_request,
    show_result,
)

__all__ = [
    "BODY_KEY",
    "BODY_LANE",
    "ChatRequest",
    "ScreenTimes",
    "pick_request",
    "render_gotchas",
    "render_request",
    "replay_body",
    "run_request",
    "show_result",
]
