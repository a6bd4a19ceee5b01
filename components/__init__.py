"""Streamlit UI for the lessons: the sidebar, the one Run protocol (run/), figures, per-lesson views."""
