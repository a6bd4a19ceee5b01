"""Text the app did not write — URL parameters, imported files, model output — shown safely.

Streamlit renders Markdown: untrusted text put into it can form links, and images that the
browser fetches without a click (a tracking or leak channel). `escape_markdown` makes text show
as exactly itself; `without_remote_images` keeps a model's Markdown (lists, code, emphasis) but
turns every image into plain text, so nothing is loaded from an address the model chose.
"""

from __future__ import annotations

import re

__all__ = ["escape_markdown", "without_remote_images"]

# Every ASCII punctuation character may be backslash-escaped in CommonMark. Escaping all of the
# ones that start markup (and ':' '.', which break GFM's bare-URL autolinks and Streamlit's
# `:color[...]` / `:material/...:` directives) leaves no way to form a link, image or HTML.
_MARKUP = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~=$:&\"'])")
# Fenced code blocks, then inline code spans: images cannot form inside them, leave them as typed.
_CODE = re.compile(r"(^|\n)(`{3,}|~{3,})[^\n]*\n.*?(\n\2[ \t]*(?=\n|$)|$)|(`+)[^`]*?\4", re.S)
_IMAGE_START = re.compile(r"!(?=\[)")


def escape_markdown(text: str) -> str:
    """`text` as Markdown that renders exactly as `text` reads (line breaks kept as spaces)."""
    return _MARKUP.sub(r"\\\1", " ".join(text.split()))


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
