import streamlit as st

from components.views.class_board import REFRESH_S, open_board, pick_room, render_board, render_clear

st.title("Class board")
st.caption("The room's shared runs, live: what streaming did on everyone's machine at once.")
st.markdown(
    "Each learner who switches on **Share my result with the room** puts their run's timings here "
    "under a made-up nickname: the race of *Why streaming matters*, the trials of *Streaming vs "
    "non-streaming*, or a *Latency lab* experiment. Only the provider kind, the model and the "
    "numbers are shared, never a prompt, key or URL. The board reads them again every "
    f"{REFRESH_S:.0f} s. "
    "**Notice** that the streamed first text comes many times sooner for everyone, by how long "
    "their model takes to write a whole answer."
)
room = pick_room()
store = open_board()
if store is not None and room is not None:
    render_board(store, room)
if store is not None:
    render_clear(store, room)
