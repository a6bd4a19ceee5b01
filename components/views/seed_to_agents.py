"""Views of "From the seed to LangChain 1.x": the mapping table filled pair by pair as both sides
run, and the agent's SSE route read by the page's own client, its `step` and `token` events in
two lanes (the tokens timed in three layers).

The chat server is the one "Streaming + FastAPI" starts; the session's provider reaches it as a
`cfg` token, so the key never appears in a URL. Model text is drawn as plain text.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from components.run.live_output import render_run_error
from components.run.panel import RunContext, Saved
from components.servers import chat_server
from components.views.agent_streaming import LaneBoard
from components.words import ms
from streamlab.demos.agent_streaming import AgentTimeline
from streamlab.demos.fastapi.client import curl_command
from streamlab.demos.fastapi.routes import AGENT_PATH
from streamlab.demos.seed_to_agents import PairInputs, describe_sse, measure, to_table
from streamlab.recipes.seed_to_agents import read_agent_sse

__all__ = [
    "SSE_KEY",
    "SSE_LANE",
    "SSE_NOTE",
    "reached_tokens",
    "replay_sse",
    "run_pairs",
    "run_sse",
    "show_pairs",
    "show_sse",
]

SEED_TOKENS = 20  # the seed side's answers are cut short: the counts compare shapes, not lengths
SSE_LANE, SSE_KEY = "sse", "s2a_sse_text"  # the tokens' container: the paint probe watches it
SSE_HINTS = {"step": "event: step, after each node", "token": "event: token, the answer's words"}
SSE_NOTE = (
    "**Here** the middle layer is this page's SSE client: each token has crossed the agent, "
    "FastAPI and HTTP before it is stamped. The clocks start when the request leaves; the first "
    "model call and the tools come before the first token."
)


def run_pairs(ctx: RunContext, question: str, ids: Sequence[str]) -> Saved:
    """Both sides of each picked pair, the table growing a row at a time."""
    server = chat_server()
    inputs = PairInputs(
        seed_llm=lambda: ctx.model(None, max_tokens=SEED_TOKENS),
        agent_llm=lambda: ctx.model(None),
        question=question,
        chat_url=server.base_url,
        params={"cfg": server.register(ctx.config)},  # the key stays in the server process
    )
    rows: list = []
    slot = st.empty()
    with st.spinner("Running each pair: the seed's side, then the agent's…"):
        for row in measure(ids, inputs):
            rows.append(row)
            slot.dataframe(to_table(rows), hide_index=True)
    slot.empty()
    return {"table": to_table(rows)}


def show_pairs(saved: Saved) -> None:
    st.dataframe(
        saved["table"],
        hide_index=True,
        key="s2a_table",
        column_config={
            "seed": st.column_config.TextColumn(width="medium"),
            "LangChain 1.x": st.column_config.TextColumn(width="large"),
            "1.x: what came": st.column_config.TextColumn(width="large"),
        },
    )
    st.caption(
        "*first (ms)*: the first piece with text (the updates row: the first step; the parallel row: "
        "the first tool to finish), from the start of that side's run. A side that failed says why."
    )


def _board() -> LaneBoard:
    texts = {"token": {"answer token": SSE_KEY}}
    return LaneBoard(["step", "token"], key="s2a_sse", hints=SSE_HINTS, texts=texts)


def run_sse(ctx: RunContext, question: str) -> Saved:
    """GET `/agent/sse`, drawing each event as the client reads it."""
    server = chat_server()
    url = f"{server.base_url}{AGENT_PATH}"
    params = {"q": question, "cfg": server.register(ctx.config)}
    board, timeline, error = _board(), AgentTimeline(), None
    timeline.start()  # the request leaves now
    try:
        for event, data in read_agent_sse(url, {**params, "trace": ctx.lanes[SSE_LANE].trace_id}):
            lane, described = describe_sse(event, data)
            board.draw([timeline.add(lane, *described)])
            if event == "error":
                raise RuntimeError(f"the route sent an error event: {data}")  # its status was 200
    except Exception as exc:  # keep the events that arrived; explain instead of a traceback
        error = exc
        render_run_error(exc, partial=bool(timeline.events))
    timeline.finish()
    ctx.finish(SSE_LANE, timeline.answer("token"))
    return {"timeline": timeline, "error": error, "curl": curl_command(url, params)}


def replay_sse(saved: Saved) -> None:
    _board().draw(saved["timeline"].events)
    if saved["error"] is not None:
        render_run_error(saved["error"], partial=bool(saved["timeline"].events))


def reached_tokens(saved: Saved) -> bool:
    return bool(saved["timeline"].of("token", "answer token"))


def show_sse(saved: Saved) -> None:
    timeline: AgentTimeline = saved["timeline"]
    cards = [
        ("First step event", ms(timeline.first_ms("step"))),
        ("First token event", ms(timeline.first_ms("token", "answer token"))),
        ("Done", ms(timeline.total_ms)),
        ("Events", f"{len(timeline.events):,}"),
    ]
    for column, (label, value) in zip(st.columns(len(cards)), cards, strict=True):
        column.metric(label, value)
    st.markdown("The same request from a terminal (`-N`: print each event as it arrives):")
    st.code(saved["curl"], language="bash")
