"""The chat tab: history bubbles, and a streamed reply whose Stop really stops the model.

Streamlit cannot run a click handler while the script streams, but a click (Stop, or a new chat
message) interrupts the script with an exception at its next `st.*` call. `render_reply` closes
the turn in a `finally`, so the upstream stream ends at that moment and the partial reply is
saved, marked as stopped, before the rerun draws the history again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

import pandas as pd
import streamlit as st
from langchain_core.language_models import BaseChatModel

from components.code_panel import show_source
from components.run.live_output import render_text_stream
from components.run.progress import mark_ran
from streamlab.client.providers import ProviderConfig, build_chat_model
from streamlab.client.untrusted import without_remote_images
from streamlab.demos.use_cases.chat_turn import ChatMessage, ChatTurn, to_messages
from streamlab.demos.use_cases.stop_probe import (
    CloseMeasurement,
    measure_early_close,
    prove_stopped,
    server_stats,
)
from streamlab.recipes import use_cases as uc

__all__ = [
    "render_chat",
    "render_close_probe",
    "render_close_table",
    "render_history",
    "render_reply",
    "settle_interrupted_reply",
]

_AVATARS = {"user": ":material/person:", "assistant": ":material/smart_toy:"}
_ACTIVE = "uc_active_turn"
SETTLE_TIMEOUT_S = 3.0


def render_chat(config: ProviderConfig, *, stop_after: int | None) -> None:
    """The chat tab's conversation: history, input, the streamed reply, Clear, and the close probe.

    Not a `TimedRun`: a turn starts from `st.chat_input` (never empty), keeps its own history
    instead of a last run, and is stopped by a click, with no layers to time.
    """
    stats_url = config.base_url if config.kind == "embedded" else None
    settle_interrupted_reply()  # a Stop click reruns the page while the stopped run saves its reply
    history = st.session_state.setdefault("uc_history", [])
    conversation = st.container()  # above the input, also for the reply streamed below
    with conversation:
        render_history(history)
    if question := st.chat_input("Ask something, e.g. Explain RAG", key="uc_chat_input"):
        mark_ran("use_cases")
        history.append({"role": "user", "content": question})
        chat, past = uc.build_chat(build_chat_model(config)), to_messages(history[:-1])
        turn = ChatTurn(lambda: uc.stream_reply(chat, past, question), stop_after=stop_after)
        with conversation:
            render_history(history[-1:])
            render_reply(turn, history, stats_url=stats_url)
    if history and st.button("Clear the chat", key="uc_clear"):
        history.clear()
        st.rerun()
    with st.expander("Why does the chat chain end in the model, not in `StrOutputParser()`?"):
        render_close_probe(lambda: build_chat_model(config), stats_url)


def settle_interrupted_reply() -> None:
    """Wait for an interrupted run to save its partial reply; call before drawing the history.

    With `runner.fastReruns` (the default) a click stops the running script and starts the new
    run at once, on another thread, while the old one is still in `render_reply`'s `finally`.
    The old run saves the reply, then signals, then forgets the turn; so a new run that still
    sees the turn waits for the signal, and one that does not already has the reply.
    """
    turn = st.session_state.get(_ACTIVE)
    if isinstance(turn, ChatTurn):
        turn.saved.wait(SETTLE_TIMEOUT_S)


def render_history(history: Sequence[ChatMessage]) -> None:
    for message in history:
        with st.chat_message(message["role"], avatar=_AVATARS[message["role"]]):
            st.markdown(without_remote_images(message["content"]) or "*(nothing arrived)*")
            _render_status(message)


def _render_status(message: ChatMessage) -> None:
    status = message.get("status")
    if status == "stopped":
        proof = message.get("proof")
        server = ""
        if proof and proof["disconnected"]:
            after = "nothing" if proof["chunks_after"] == 0 else f"{proof['chunks_after']} more chunks"
            server = (
                f" The simulator counted the disconnect and sent {after} after it "
                f"({proof['chunks_sent']} chunks in all)."
            )
        elif proof:
            server = (
                f" The simulator had already sent the whole answer ({proof['chunks_sent']} "
                "chunks): at this speed there was nothing left to stop."
            )
        tokens = message.get("tokens", 0)
        st.caption(
            f":material/stop_circle: (stopped) after {tokens} tokens: the stream was closed.{server}"
        )
    elif status == "error":
        st.caption(
            ":material/warning: (interrupted by an error) the text above is what arrived before it."
        )


def render_reply(turn: ChatTurn, history: list[ChatMessage], *, stats_url: str | None) -> None:
    """Stream `turn` into an assistant bubble; whatever happens, close it and save it to `history`."""
    before = server_stats(stats_url)
    st.session_state[_ACTIVE] = turn
    stop_slot = st.empty()
    stop_slot.button(
        "Stop",
        key="uc_stop",
        icon=":material/stop:",
        help="Interrupts the run: the stream is closed, the partial answer is kept in the history.",
    )
    try:
        with st.chat_message("assistant", avatar=_AVATARS["assistant"]):
            render_text_stream(turn.pieces(), key="uc_reply")
            status_slot = st.empty()
    finally:  # also on Streamlit's StopException / RerunException (a click interrupted us)
        turn.close()
        proof = prove_stopped(stats_url, before) if turn.status == "stopped" else None
        message = turn.to_message(proof=proof.as_dict() if proof else None)
        history.append(message)
        turn.saved.set()  # the order matters: see settle_interrupted_reply
        st.session_state.pop(_ACTIVE, None)
    stop_slot.empty()
    with status_slot.container():
        _render_status(message)


def render_close_probe(make_llm: Callable[[], BaseChatModel], stats_url: str | None) -> None:
    """Close the chat stream after 5 chunks, with and without a parser, and show what the server did."""
    st.markdown(
        "Read 5 chunks, then `close()` the stream, with and without a parser at the end. "
        "**Notice** that the sync stream through the parser keeps reading the model to the end "
        "(langchain-core traces the parser's whole input), so stopping it stops nothing. "
        "Set the sidebar's tokens/s above 0 so there is something left to stop."
    )
    show_source(uc.build_chat_with_parser)
    if stats_url is None:
        st.info("This measurement needs the embedded simulator: it counts what the server sent.")
        return
    if st.button("Measure", key="uc_probe_run"):
        llm = make_llm()
        opens = {
            label: partial(uc.stream_reply, build(llm), [], "Explain RAG")
            for label, build in uc.STOP_VARIANTS.items()
        }
        st.session_state["uc_probe"] = [measure_early_close(k, o, stats_url) for k, o in opens.items()]
    if rows := st.session_state.get("uc_probe"):
        render_close_table(rows)


def render_close_table(rows: Sequence[CloseMeasurement]) -> None:
    frame = pd.DataFrame(
        [{"chain": r.label, "close() took (ms)": round(r.close_ms, 1),
          "chunks the server sent": r.chunks_sent,
          "server saw a disconnect": "yes" if r.disconnected else "no, it finished the answer"}
         for r in rows]
    )  # fmt: skip
    st.dataframe(frame, hide_index=True, key="uc_close_table")
