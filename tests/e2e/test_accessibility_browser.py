"""Every lesson is checked for accessibility in the browser, after its run, by the browser test
that runs it (`tests.support.accessibility.assert_accessible`: axe-core's wcag2a + wcag2aa rules
at 1280×720, a text for every chart, no emoji, the previous/next links). One check per lesson,
on the page its test has already streamed, so no lesson is opened and run twice for it.

This module makes sure none is forgotten: a new lesson in the catalog needs a browser test
that ends with `assert_accessible(page, "<its id>")`.
"""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

from streamlab.catalog import LESSONS

E2E = Path(__file__).parent


def checked_lessons() -> Counter[str]:
    """How often each lesson id is passed to `assert_accessible` in this folder's tests."""
    found: Counter[str] = Counter()
    for path in E2E.glob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "assert_accessible"
            ):
                lesson_id = node.args[1]
                assert isinstance(lesson_id, ast.Constant), f"{path.name}: name the lesson literally"
                found[lesson_id.value] += 1
    return found


def test_every_lesson_when_its_browser_test_ends_then_it_is_checked_once_for_accessibility():
    checked = checked_lessons()
    assert sorted(checked) == sorted(lesson.id for lesson in LESSONS)
    assert set(checked.values()) == {1}, checked
