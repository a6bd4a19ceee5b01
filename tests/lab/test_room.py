"""Room codes and nicknames: what a link or a learner may put on the class board."""

from __future__ import annotations

from random import Random

import pytest

from streamlab.lab.room import (
    ADJECTIVES,
    ANIMALS,
    clean_nickname,
    new_nickname,
    new_room_code,
    nickname_problem,
    room_problem,
)


@pytest.mark.parametrize(
    "code, ok",
    [
        ("abc123", True),
        ("ws-2026-03", True),
        ("abc", True),
        ("ab", False),  # too short to mean a room
        ("ABC123", False),  # the page lower-cases a link's code before checking it
        ("-abc", False),
        ("a b c", False),
        ("abc<script>", False),
        ("a" * 33, False),
    ],
)
def test_room_codes_are_short_lower_case_words(code, ok):
    assert (room_problem(code) is None) is ok


def test_new_room_codes_are_valid_and_differ():
    codes = {new_room_code() for _ in range(50)}
    assert len(codes) == 50
    assert all(room_problem(code) is None and len(code) == 8 for code in codes)


def test_new_nickname_is_an_adjective_and_an_animal_and_a_reroll_always_changes_it():
    rng = Random(1)
    first = new_nickname(rng)
    adjective, animal = first.split(" ")
    assert adjective in ADJECTIVES and animal in ANIMALS
    assert all(new_nickname(rng, avoid=first) != first for _ in range(200))
    assert nickname_problem(first) is None


@pytest.mark.parametrize(
    "typed, problem",
    [
        ("  Zoë   the  Otter ", None),
        ("O'Neil-2", None),
        ("", "the nickname is empty"),
        ("x" * 25, "a nickname is at most 24 characters; this one has 25"),
        ("<b>Boss</b>", "a nickname may hold letters, digits, spaces and . ' - _ only"),
        ("[click](http://x.y)", "a nickname may hold letters"),
        ("-dash", "starts and ends with a letter or digit"),
    ],
)
def test_a_typed_nickname_is_cleaned_then_checked(typed, problem):
    found = nickname_problem(clean_nickname(typed))
    assert (found is None) if problem is None else (problem in (found or ""))
