"""Untrusted text shown safely: no image from a model's Markdown, nothing but text from a link."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt

from streamlab.client.untrusted import as_text, without_remote_images
from tests.support.markdown import HOSTILE, MARKUP, rendered

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
    "text",
    [
        HOSTILE,
        "# heading\n- item\n> quote\n1. one\n| a | b |\n---",
        "<script>alert(1)</script> &amp; &#x41; \\*not* `code` ~~gone~~ <=> a->b -- :+1:",
        "HTTPS://Evil.Example/x WWW.EVIL.EXAMPLE/y mailto:a@b.example :material/home:",
    ],
    ids=["links-images-math", "blocks", "html-entities-code", "autolinks-icons"],
)
def test_as_text_makes_any_text_render_as_itself(text):
    plain, kinds = rendered(as_text(text))
    assert plain == " ".join(text.splitlines()) and not kinds & MARKUP
    assert not re.search(r"://|www\.|(?<!\\)\$|a@|:\w", as_text(text), re.IGNORECASE)
