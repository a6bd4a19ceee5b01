import streamlit as st

st.title("Streaming tool calls")
st.info("This lesson is being written.")  # PLACEHOLDER: replace
