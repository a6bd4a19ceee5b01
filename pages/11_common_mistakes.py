import streamlit as st

st.title("Common mistakes")
st.info("This lesson is being written.")  # PLACEHOLDER: replace
