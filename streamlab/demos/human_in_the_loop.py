"""Lesson "Human in the loop while streaming": what a paused run asks for, the person's answer to
it, and what the stream showed at the pause.

`reviews` reads the interrupt `HumanInTheLoopMiddleware` raised (one `HITLRequest`: the gated
calls and the decisions each allows); `decide` turns the page's choice into the `Decision` that
`Command(resume=...)` carries back.
"""

from __future__ import annotations

import pprint
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from langchain.agents.middleware.human_in_the_loop import Decision
from langgraph.types import Interrupt

from streamlab.recipes.human_in_the_loop import approve, edit, reject

__all__ = [
    "QUESTION",
    "REJECT_MESSAGE",
    "Review",
    "decide",
    "edited_args",
    "new_thread",
    "part_text",
    "reviews",
]

QUESTION = "What is the weather in Paris? Book a table there for 4 guests."
"""Asks for both tools in one model step: the weather runs freely, the booking waits for a person."""
REJECT_MESSAGE = "Not tonight: ask me again tomorrow."


@dataclass(frozen=True, slots=True)
class Review:
    """One gated tool call waiting for a person's decision."""

    name: str
    args: dict[str, Any]
    """The arguments the model chose (an edit may change them)."""
    description: str
    """What the middleware tells the reviewer (its `description_prefix`, the tool and its args)."""
    allowed: tuple[str, ...]
    """The decisions this call accepts, from its `review_configs` entry."""


def new_thread() -> str:
    """A fresh `thread_id`: each question is its own conversation in the checkpointer."""
    return uuid.uuid4().hex[:12]


def reviews(interrupts: Sequence[Interrupt]) -> list[Review]:
    """The gated calls of a paused run, in the order its decisions must come back."""
    found = []
    for interrupt in interrupts:
        value = interrupt.value if isinstance(interrupt.value, Mapping) else {}
        allowed = {
            c["action_name"]: tuple(c["allowed_decisions"]) for c in value.get("review_configs", ())
        }
        for action in value.get("action_requests", ()):
            found.append(
                Review(
                    action["name"],
                    dict(action["args"]),
                    action.get("description", ""),
                    allowed.get(action["name"], ("approve",)),
                )
            )
    return found


def edited_args(review: Review, values: Mapping[str, Any]) -> dict[str, Any]:
    """The reviewer's arguments, each of the type the model sent (number inputs give floats)."""
    return {name: type(original)(values.get(name, original)) for name, original in review.args.items()}


def decide(
    review: Review, choice: str, *, args: Mapping[str, Any] | None = None, message: str = ""
) -> Decision:
    """The decision for one gated call, as `Command(resume={"decisions": [...]})` sends it."""
    if choice not in review.allowed:
        raise ValueError(f"{review.name} accepts {', '.join(review.allowed)}, not {choice!r}")
    if choice == "edit":
        return edit(review.name, edited_args(review, args or {}))
    if choice == "reject":
        return reject(message or REJECT_MESSAGE)
    return approve()


def part_text(part: object) -> str:
    """A stream part as Python prints it, wrapped to read (the interrupt's part is long)."""
    return pprint.pformat(part, width=90, sort_dicts=False)
