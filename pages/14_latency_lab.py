import streamlit as st

st.title("Latency lab")
st.info("This lesson is being written.")  # PLACEHOLDER: replace
