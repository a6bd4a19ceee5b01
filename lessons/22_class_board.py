import streamlit as st

from components.views.class_board import REFRESH_S, open_board, pick_room, render_board, render_clear

st.title("Class board")
st.caption("The room's shared runs, live: what streaming did on everyone's machine at once.")
st.markdown(
    "Learners who switch on **Share my result with the room** (in *Why streaming matters*, "
    "*Streaming vs non-streaming* and the *Latency lab*) appear here under a made-up nickname, "
    f"with their provider kind, model and timings only: never a prompt, key or URL. Redrawn every "
    f"{REFRESH_S:.0f} s. **Notice** that the streamed first text comes many times sooner for "
    "everyone, by about how long their model takes to write a whole answer."
)
room = pick_room()
store = open_board()
if store is not None and room is not None:
    render_board(store, room)
if store is not None:
    render_clear(store, room)
