"""Keep Streamlit in `st.navigation` mode although the lessons live in a `pages/` folder.

Intentional workaround: a folder named `pages/` next to app.py switches Streamlit into its
legacy multipage mode until the first `st.navigation` call. A deep link opened first on a
fresh server (a workshop URL such as /latency_lab?…) would then run the lesson file
directly — without app.py, so without the sidebar, navigation titles or provider — and
AppTest (which resets the flag on every run) would lose the sidebar on reruns. Switching
the flag off and rerunning once puts app.py back in charge.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx


def use_navigation_mode() -> None:
    if PagesManager.uses_pages_directory and get_script_run_ctx() is not None:
        PagesManager.uses_pages_directory = False
        st.rerun()
