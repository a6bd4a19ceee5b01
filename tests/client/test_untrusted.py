"""Untrusted text shown safely: no image from a model's Markdown, nothing but text from a link."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from streamlab.client.untrusted import escape_markdown, without_remote_images

COMMONMARK = MarkdownIt("commonmark")


def tags(markdown: str) -> set[str]:
    """The HTML elements a CommonMark renderer makes of `markdown` (what a browser would build)."""
    tokens = COMMONMARK.parse(markdown)
    found = set()
    for token in tokens:
        for child in [token, *(token.children or [])]:
            found.add(child.tag)
    return found - {""}


@pytest.mark.parametrize(
    "given",
    [
        "![pixel](http://127.0.0.1:9/p.gif)",
        "text ![a](http://h/p.gif 'title') more",
        "escaped \\![a](http://h/p.gif)",
        "![ref][p]\n\n[p]: http://h/p.gif",
        "![collapsed][]\n\n[collapsed]: http://h/p.gif",
        "- item ![a](http://h/p.gif)\n- two",
        "> ![quoted](http://h/p.gif)",
    ],
)
def test_without_remote_images_when_markdown_has_an_image_then_none_renders(given):
    assert "img" in tags(given) or "\\!" in given  # the case really is an image (or nearly)
    assert "img" not in tags(without_remote_images(given))


@pytest.mark.parametrize(
    "given",
    [
        "**bold** and `code` and [a link](https://example.com)\n\n1. one\n2. two",
        "```python\nprint('![not an image](x)')\n```",
        "inline `![kept](x)` code",
    ],
)
def test_without_remote_images_when_there_is_no_image_then_markdown_is_unchanged(given):
    assert without_remote_images(given) == given


def test_without_remote_images_keeps_code_and_changes_only_the_image_after_it():
    given = "```\n![in code](x)\n```\n![out](http://h/p.gif)"
    assert without_remote_images(given) == "```\n![in code](x)\n```\n&#33;[out](http://h/p.gif)"


@pytest.mark.parametrize(
    "given",
    [
        "![x](http://h/p.gif)",
        "[click](http://h)",
        "<img src=x onerror=alert(1)>",
        "**bold** _it_ # not a heading",
        "http://bare.example.com/autolink",
        ":red[coloured] :material/home:",
        "a\n\n# heading\n- list",
        "$x^2$ and `code`",
    ],
)
def test_escape_markdown_when_text_has_markup_then_it_renders_as_its_own_text(given):
    text = " ".join(given.split())  # line breaks become spaces: one line of text
    html = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    assert COMMONMARK.render(escape_markdown(given)) == f"<p>{html}</p>\n"
