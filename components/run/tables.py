"""Tables whose text is the evidence: shown whole and wrapped, never cut off with "…".

A results table's text columns often say *why* (a verdict, the first chunks, what the numbers
mean). `st.dataframe` draws each cell on one line and cuts what does not fit, and a wide table
pushes those columns out of view. These tables are small (a row per variant, flag or claim), so
they are drawn as a static table instead, whose cells wrap: every word stays on the page.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

__all__ = ["render_evidence_table"]


def render_evidence_table(frame: pd.DataFrame, *, key: str | None = None) -> None:
    """`frame` in full (index hidden), every cell wrapped; `key` names its container
    (CSS class `st-key-<key>`), where an interactive table used to carry the same key."""
    with st.container(key=key):
        st.table(frame.style.format(precision=1, na_rep="—").hide(axis="index"))
