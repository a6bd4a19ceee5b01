"""Progress as the browser keeps it: ids and right/wrong only, and whatever comes back is checked."""

from __future__ import annotations

import json

import pytest

from components.run.progress import from_saved, to_saved
from streamlab.catalog import LESSONS
from streamlab.demos.takeaways import QUESTIONS

LESSON, OTHER = LESSONS[3].id, LESSONS[4].id
QUESTION = QUESTIONS[0].id


def test_to_saved_then_from_saved_gives_the_same_progress_back():
    saved = to_saved(
        {LESSON, OTHER}, {LESSON: {"chunk_count": True}}, {QUESTION: False}, session="s1", seq=3
    )
    back = from_saved(json.loads(json.dumps(saved)))  # through the browser's JSON
    assert back == ({LESSON, OTHER}, {LESSON: {"chunk_count": True}}, {QUESTION: False})
    assert saved["session"] == "s1" and saved["seq"] == 3 and saved["v"] == 1


def test_to_saved_holds_only_ids_and_booleans():
    saved = to_saved({LESSON}, {LESSON: {"first": True}}, {QUESTION: True}, session="s", seq=1)
    assert set(saved) == {"v", "session", "seq", "lessons_run", "predictions", "quiz"}
    assert saved["lessons_run"] == [LESSON] and saved["quiz"] == {QUESTION: True}


@pytest.mark.parametrize(
    "given, expected",
    [
        (None, (set(), {}, {})),
        ("not a dict", (set(), {}, {})),
        ({"v": 2, "lessons_run": [LESSON]}, (set(), {}, {})),  # another format: ignored
        ({"v": 1, "lessons_run": [LESSON, "no_such_lesson", 7]}, ({LESSON}, {}, {})),
        ({"v": 1, "lessons_run": "overview"}, (set(), {}, {})),
        (
            {
                "v": 1,
                "predictions": {LESSON: {"ok": True, "bad id!": True, "n": 1}, "nope": {"x": True}},
            },
            (set(), {LESSON: {"ok": True}}, {}),
        ),
        (
            {"v": 1, "quiz": {QUESTION: True, "unknown": True, QUESTIONS[1].id: "yes"}},
            (set(), {}, {QUESTION: True}),
        ),
    ],
)
def test_from_saved_when_the_browser_value_is_odd_then_keeps_only_known_ids_and_booleans(
    given, expected
):
    assert from_saved(given) == expected
