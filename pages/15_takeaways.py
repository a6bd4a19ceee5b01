import streamlit as st

st.title("Takeaways & quiz")
st.info("This lesson is being written.")  # PLACEHOLDER: replace
