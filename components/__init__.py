"""Reusable Streamlit UI for the lessons."""

from components.shell import use_navigation_mode

# A lesson opened by deep link on a fresh server imports this package before app.py ever ran.
use_navigation_mode()
