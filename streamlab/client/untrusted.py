"""Text the app did not write — URL parameters, imported files, model output — shown safely.

Streamlit renders the body of st.markdown, st.error, st.caption… as GitHub-flavoured Markdown with
its own extensions (colour directives, math, icons): untrusted text put into it can form links, and
images that the browser fetches without a click (a tracking or leak channel). `as_text` makes text
show as exactly itself; `without_remote_images` keeps a model's Markdown (lists, code, emphasis)
but turns every image into text, so nothing is loaded from an address the model chose.
"""

from __future__ import annotations

import re

__all__ = ["as_text", "without_remote_images"]

# Fenced code blocks, then inline code spans: images cannot form inside them, leave them as typed.
_CODE = re.compile(r"(^|\n)(`{3,}|~{3,})[^\n]*\n.*?(\n\2[ \t]*(?=\n|$)|$)|(`+)[^`]*?\4", re.S)
_IMAGE_START = re.compile(r"!(?=\[)")

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


def without_remote_images(markdown: str) -> str:
    """`markdown` with every image (`![alt](url)`, `![alt][ref]`) shown as its text instead.

    The `!` becomes the character reference `&#33;`, which renders as "!" but cannot start an
    image, whatever precedes it (a backslash included); the rest stays a link, which loads
    nothing until it is clicked. Code blocks and code spans are left alone.
    """
    out, last = [], 0
    for code in _CODE.finditer(markdown):
        out.append(_IMAGE_START.sub("&#33;", markdown[last : code.start()]))
        out.append(code.group(0))
        last = code.end()
    out.append(_IMAGE_START.sub("&#33;", markdown[last:]))
    return "".join(out)
