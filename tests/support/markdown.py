"""What a Markdown body renders to (CommonMark), and a hostile text to render: for the tests that
check untrusted text shows as text."""

from __future__ import annotations

from markdown_it import MarkdownIt

__all__ = ["HOSTILE", "MARKUP", "rendered"]

HOSTILE = (
    "![pixel](http://127.0.0.1:9/p.png) [click](https://evil.example/x) "
    "<img src=https://evil.example/i.png> www.evil.example $x^2$ :red[red] **bold** a@evil.example"
)
"""Every way text can turn into markup: image, link, HTML, autolink, math, directive, emphasis."""
MARKUP = {"image", "link_open", "html_inline", "html_block"}
"""Token kinds that would load or link something."""


def rendered(body: str) -> tuple[str, set[str]]:
    """What CommonMark makes of `body`: its text, and the kinds of markup in it."""
    tokens = MarkdownIt("commonmark", {"html": True}).parse(body)
    children = [c for t in tokens if t.children for c in t.children]
    text = "".join(c.content for c in children if c.type in ("text", "code_inline", "softbreak"))
    return text.replace("\u2060", ""), {t.type for t in [*tokens, *children]}  # joiners are invisible
