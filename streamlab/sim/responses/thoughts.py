"""What a reasoning model "thought": the summary it streams before its answer.

OpenAI's summaries are short titled paragraphs (`**Planning the answer**` then a sentence or
two) about the question, the tools it is about to call or the tool result it just read. These
are the simulator's deterministic stand-ins: same question, plan and seed → same thoughts.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass

from streamlab.sim.answers import topic_words

__all__ = ["Situation", "compose_thoughts"]


@dataclass(frozen=True, slots=True)
class Situation:
    """What the model is thinking about."""

    prompt: str
    """The last user question."""
    calls: tuple[tuple[str, str], ...] = ()
    """(tool name, JSON arguments) of each call it decided to make."""
    tool_output: str | None = None
    """The tool result it is answering from, when the input ends with one."""
    json_keys: tuple[str, ...] | None = None
    """Keys of the JSON object it must answer with; () for JSON of no known shape."""


def _topic(prompt: str) -> str:
    """The prompt's topic words as the user wrote them ("RAG", not "rag")."""
    shown = []
    for word in topic_words(prompt):
        found = re.search(rf"(?<![A-Za-z0-9]){re.escape(word)}(?![A-Za-z0-9])", prompt, re.IGNORECASE)
        shown.append(found[0] if found else word)
    return " ".join(shown)


def _calls_text(calls: tuple[tuple[str, str], ...]) -> str:
    shown = []
    for name, arguments in calls:
        try:
            values = json.loads(arguments)
        except ValueError:
            values = {}
        pairs = ", ".join(f"{k}={v!r}" for k, v in values.items()) if isinstance(values, dict) else ""
        shown.append(f"{name}({pairs})")
    return " and ".join(shown)


def _first_part(situation: Situation, topic: str, rng: random.Random) -> str:
    if situation.calls:
        if len(situation.calls) > 1:
            return (
                "**Calling tools in parallel**\n\nThe question needs several facts I do not "
                "have, and none depends on another, so I will request them all at once: "
                f"{_calls_text(situation.calls)}."
            )
        verb = rng.choice(("look this up", "check this", "fetch the current value"))
        return (
            f"**Deciding to use a tool**\n\nI cannot know this from memory, so I should {verb} "
            f"with {_calls_text(situation.calls)} and answer from the result."
        )
    if situation.tool_output is not None:
        shown = " ".join(situation.tool_output.split())
        shown = shown if len(shown) <= 80 else shown[:79] + "…"
        return (
            f"**Reading the tool result**\n\nThe tool returned {shown!r}. That answers the "
            "question, so I will report it plainly instead of guessing."
        )
    if situation.json_keys is not None:
        keys = ", ".join(situation.json_keys) or "the fields the question implies"
        return (
            f"**Planning the JSON**\n\nThe answer must be a JSON object about {topic}; I will "
            f"fill {keys} from the question and add no text around it."
        )
    opener = rng.choice(("The user asks about", "The question is about", "This is a question on"))
    return (
        f"**Understanding the question**\n\n{opener} {topic}. I should open with a one-sentence "
        "definition, then say why it matters."
    )


_LATER_PARTS = (
    (
        "**Planning the answer**",
        "A short, concrete example will make it stick; I'll keep to a few sentences and avoid "
        "jargon the question did not use.",
    ),
    (
        "**Checking the answer**",
        "Before writing, I check that the first sentence already answers the question and that "
        "nothing later contradicts it.",
    ),
)


_AFTER_CALLS = (
    (
        "**Planning the follow-up**",
        "When the results come back, I will combine them into one short answer and say which "
        "tool each fact came from.",
    ),
    _LATER_PARTS[1],
)


def compose_thoughts(situation: Situation, *, parts: int, seed: int) -> list[str]:
    """`parts` titled paragraphs (1–3), the first about this situation, the rest about the answer."""
    rng = random.Random(f"thoughts\x1f{situation.prompt}\x1f{seed}")
    out = [_first_part(situation, _topic(situation.prompt), rng)]
    later = _AFTER_CALLS if situation.calls else _LATER_PARTS
    for title, body in later[: max(parts, 1) - 1]:
        out.append(f"{title}\n\n{body}")
    return out
