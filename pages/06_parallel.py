import streamlit as st

st.title("RunnableParallel")
st.info("This lesson is being written.")  # PLACEHOLDER: replace
