"""Untrusted text in the lab's charts: names and labels that came from a shared link or an
imported file (and are saved, so they come back on every later visit). For Markdown bodies see
`streamlab.client.untrusted.as_text`.

Plotly draws `<a href>` and `<b>` tags in legends, axis labels and hovers: escaped, such a label
reads exactly as typed, and nothing more.
"""

from __future__ import annotations

import html

import pandas as pd

__all__ = ["for_plotly"]


def for_plotly(frame: pd.DataFrame, column: str = "variant") -> pd.DataFrame:
    """`frame` with `column`'s text escaped for plotly, which shows entities as their characters
    but draws tags as markup (`<a href>` would be a live link in the legend)."""
    if frame.empty:
        return frame
    return frame.assign(**{column: frame[column].astype(str).map(lambda t: html.escape(t, quote=False))})
