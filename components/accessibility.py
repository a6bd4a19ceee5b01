"""Accessibility fixes for what Streamlit draws on every page, in one place (drawn by app.py).

axe-core (wcag2a + wcag2aa) finds the same causes on every lesson, and no theme option in
.streamlit/config.toml reaches them:
- captions are faded with opacity 0.6, taking their text (and `code` in them) below 4.5:1;
- `st.code`'s syntax colours come from a fixed palette, several below 4.5:1 on the code background;
- the sidebar navigation puts section `<div>`s straight into its `<ul>` (invalid list markup);
- code blocks and fixed-height boxes that scroll cannot take keyboard focus.
The first two are a stylesheet (assets/accessible.css); the last two a small script that adds
roles and `tabindex` in the page (assets/accessible.js). Intentional divergence: the script
patches Streamlit's markup; drop each part once Streamlit fixes it upstream (the browser test
tests/e2e/test_accessibility_browser.py says when it is no longer needed).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

__all__ = ["CSS_PATH", "JS_PATH", "KEY", "apply_accessibility_fixes"]

ASSETS = Path(__file__).parent / "assets"
CSS_PATH = ASSETS / "accessible.css"
JS_PATH = ASSETS / "accessible.js"
KEY = "a11y_fixes"  # its container is hidden by the stylesheet (`.st-key-a11y_fixes`)

_fixes = st.components.v2.component("streamlab_accessible", js=JS_PATH.read_text(encoding="utf-8"))


def apply_accessibility_fixes() -> None:
    """Add the stylesheet (it takes no room) and mount the markup fixes, hidden, in the sidebar."""
    st.html(CSS_PATH)
    with st.sidebar:
        _fixes(key=KEY, height=0)
