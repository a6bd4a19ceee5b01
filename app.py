"""Streaming Runnables Lab: the table of contents (from streamlab/catalog.py), the shared sidebar
and, after each lesson, the links to the lessons around it and the progress kept in the browser."""

from pathlib import Path

import streamlit as st

from components.accessibility import apply_accessibility_fixes
from components.lesson_nav import render_lesson_nav
from components.run.progress import keep_progress_in_browser
from components.sidebar import render_provider_sidebar
from streamlab.catalog import LESSONS, SECTIONS

# A local icon: a Material icon as page_icon makes the browser fetch the favicon from Google.
ICON = Path(__file__).parent / "components/assets/icon.png"
st.set_page_config(page_title="Streaming Runnables Lab", page_icon=str(ICON), layout="wide")

pages = {
    section: [
        st.Page(x.file, title=x.title, icon=f":material/{x.icon}:", default=x is LESSONS[0])
        for x in lessons
    ]
    for section, lessons in SECTIONS.items()
}
page = st.navigation(pages, expanded=True)  # every lesson listed, none behind "View N more"
render_provider_sidebar()
apply_accessibility_fixes()
page.run()
render_lesson_nav(page.url_path)
keep_progress_in_browser()
