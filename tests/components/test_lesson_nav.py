"""Previous / next links at the end of every lesson, in the catalog's order."""

from __future__ import annotations

import pytest

from components.lesson_nav import neighbours
from streamlab.catalog import LESSONS
from tests.support.apptest import open_page


@pytest.mark.parametrize(
    "given, expected",
    [
        ("overview", (None, "why_streaming")),
        ("parallel", ("sequence", "astream_events")),
        (LESSONS[-1].id, (LESSONS[-2].id, None)),
    ],
)
def test_neighbours_follow_the_catalog(given, expected):
    before, after = neighbours(given)
    assert (before and before.id, after and after.id) == expected


def test_neighbours_when_walked_from_the_first_lesson_then_visit_every_lesson_once():
    seen, current = [], LESSONS[0]
    while current is not None:
        seen.append(current.id)
        current = neighbours(current.id)[1]
    assert seen == [x.id for x in LESSONS]


@pytest.mark.parametrize(
    "page, expected",
    [
        ("lessons/01_overview.py", [("Next: Why streaming matters", "why_streaming")]),
        (
            "lessons/05_sequence.py",
            [
                ("Previous: Streaming an LLM directly", "llm_direct"),
                ("Next: RunnableParallel", "parallel"),
            ],
        ),
        (LESSONS[-1].file, [(f"Previous: {LESSONS[-2].title}", LESSONS[-2].id)]),
    ],
)
def test_lesson_page_when_drawn_then_it_ends_with_links_to_its_neighbours(page, expected):
    at = open_page(page)
    links = [(x.proto.label, x.proto.page) for x in at.get("page_link")]
    assert links[-len(expected) :] == expected
