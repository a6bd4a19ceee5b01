"""A workshop room: the code in a shared link that ties a class's results together, and the
anonymous nickname a learner shares them under.

Both come from outside (a link, a learner's typing), so both are checked here against a small
alphabet: a room code or a nickname that passes can only ever be shown as the plain text it is.
A learner is never asked for their real name; the nickname is made up (adjective + animal) and
can be re-rolled, or typed, if it stays a short nickname.
"""

from __future__ import annotations

import re
import secrets
from random import Random

__all__ = [
    "ADJECTIVES",
    "ANIMALS",
    "NICKNAME_MAX",
    "ROOM_MAX",
    "ROOM_PARAM",
    "clean_nickname",
    "new_nickname",
    "new_room_code",
    "nickname_problem",
    "room_problem",
]

ROOM_PARAM = "room"
"""The query parameter: `?room=abc123` puts a session in that room."""
ROOM_MAX = 32
NICKNAME_MAX = 24
_ROOM = re.compile(rf"[a-z0-9][a-z0-9-]{{2,{ROOM_MAX - 1}}}")
# Letters of any script, digits, spaces and a few joiners: a nickname, never markup or a link.
_NICKNAME = re.compile(r"[^\W_]([\w '.-]*[^\W_])?")

ADJECTIVES = (
    "Brave", "Calm", "Clever", "Curious", "Eager", "Gentle", "Happy", "Jolly", "Kind", "Lively",
    "Lucky", "Merry", "Nimble", "Patient", "Quick", "Quiet", "Sunny", "Swift", "Witty", "Zesty",
)  # fmt: skip
ANIMALS = (
    "Badger", "Beaver", "Bison", "Crane", "Dolphin", "Falcon", "Ferret", "Gecko", "Heron", "Koala",
    "Lemur", "Lynx", "Marmot", "Otter", "Owl", "Panda", "Puffin", "Quokka", "Seal", "Wombat",
)  # fmt: skip


def room_problem(code: str) -> str | None:
    """What is wrong with a room code (None: it is fine). Codes are compared lower-cased."""
    if not _ROOM.fullmatch(code):
        return (
            f"a room code is 3 to {ROOM_MAX} lower-case letters, digits or dashes "
            "(e.g. abc123), starting with a letter or digit"
        )
    return None


def new_room_code() -> str:
    """A fresh room code: 8 random lower-case letters and digits (hard to guess, easy to read out)."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: it is read out loud in a room
    return "".join(secrets.choice(alphabet) for _ in range(8))


def new_nickname(rng: Random | None = None, *, avoid: str | None = None) -> str:
    """A made-up nickname, e.g. "Curious Otter"; never `avoid` (a re-roll always changes it)."""
    pick = rng or Random()
    while True:
        nickname = f"{pick.choice(ADJECTIVES)} {pick.choice(ANIMALS)}"
        if nickname != avoid:
            return nickname


def clean_nickname(text: str) -> str:
    """A typed nickname with its outer spaces removed and inner runs of spaces made one."""
    return " ".join(text.split())


def nickname_problem(text: str) -> str | None:
    """What is wrong with a (cleaned) nickname; None: it can be shared as it is."""
    if not text:
        return "the nickname is empty: pick one (or re-roll)"
    if len(text) > NICKNAME_MAX:
        return f"a nickname is at most {NICKNAME_MAX} characters; this one has {len(text)}"
    if not _NICKNAME.fullmatch(text):
        return (
            "a nickname may hold letters, digits, spaces and . ' - _ only, "
            "and starts and ends with a letter or digit"
        )
    return None
