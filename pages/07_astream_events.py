import streamlit as st

st.title("astream_events")
st.info("This lesson is being written.")  # PLACEHOLDER: replace
