"""Input checks shared by every page: say what to fix before anything is sent."""

from __future__ import annotations

__all__ = ["MAX_PROMPT_CHARS", "prompt_problem"]

MAX_PROMPT_CHARS = 20_000  # far above any lesson prompt; keeps a paste accident cheap


def prompt_problem(text: str | None, *, max_chars: int = MAX_PROMPT_CHARS) -> str | None:
    """None when the prompt can be sent, else a sentence telling the learner what to fix."""
    if text is None or not text.strip():
        return "Type a question first: the prompt is empty."
    if len(text) > max_chars:
        return (
            f"The prompt is too long ({len(text):,} characters; the limit is {max_chars:,}). "
            "Shorten it and run again."
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "The prompt contains characters that are not valid text (broken UTF-8). Retype it."
    return None
