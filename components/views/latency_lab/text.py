"""Untrusted text shown as text: names, labels and messages that came from a shared link or an
imported file (and are saved, so they come back on every later visit).

Streamlit renders the body of st.markdown, st.error, st.subheader, st.caption… as GitHub-flavoured
Markdown with its own extensions (colour directives, math, icons): an experiment named
`![x](https://host/p.png)` would load a remote image, `[x](https://host)` would render a link and
a bare `https://host` would become one. Plotly draws `<a href>` and `<b>` tags in legends, axis
labels and hovers. These helpers make such text read exactly as typed, and nothing more.
"""

from __future__ import annotations

import html
import re

import pandas as pd

__all__ = ["as_text", "for_plotly"]

# Every character that can begin Markdown, GFM or Streamlit markup (emphasis, code, links and
# images, HTML and entities, headings, lists, tables, strikethrough, math, directives and
# shortcodes, autolinks via "://", "www." and "@"). CommonMark renders "\x" as x for each.
_MARKUP = frozenset("\\`*_{}[]()<>#+-.!|~:$&@=^")


_JOIN = "\u2060"  # WORD JOINER: invisible, and breaks the patterns matched after parsing
# ":" and "@" start autolinks, shortcodes and icons; "<", ">", "-", "~" start the typographic
# replacements ("<=" to "≤", "--" to "—"…) Streamlit also makes in the text.
_AFTER_PARSING = {c: c + _JOIN for c in ":@<>-~"}
_WWW = re.compile(r"(www)(?=\\\.)", re.IGNORECASE)


def as_text(text: object) -> str:
    """`text` as a Markdown body that renders literally; line breaks become spaces.

    Escaping is not enough on its own: autolinks ("https://…", "www.…", "a@b.c"), emoji
    shortcodes, Material icons (":name:") and typographic arrows are found in the text *after*
    escapes are resolved, so an invisible word joiner after the characters that start them (and
    inside "www.") breaks them; the text still reads, and copies, as typed but for those joiners.
    """
    flat = " ".join(str(text).splitlines())
    escaped = "".join("\\" + _AFTER_PARSING.get(c, c) if c in _MARKUP else c for c in flat)
    return _WWW.sub(r"\1" + _JOIN, escaped)


def for_plotly(frame: pd.DataFrame, column: str = "variant") -> pd.DataFrame:
    """`frame` with `column`'s text escaped for plotly, which shows entities as their characters
    but draws tags as markup (`<a href>` would be a live link in the legend)."""
    if frame.empty:
        return frame
    return frame.assign(**{column: frame[column].astype(str).map(lambda t: html.escape(t, quote=False))})
