import streamlit as st

st.title("Streaming + FastAPI")
st.info("This lesson is being written.")  # PLACEHOLDER: replace
