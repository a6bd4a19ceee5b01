import streamlit as st

st.title("Use cases")
st.info("This lesson is being written.")  # PLACEHOLDER: replace
