"""Token log probabilities (`logprobs: true`, `top_logprobs: k`) for the simulator's answers.

A seeded stand-in for a model's confidence: each sent token gets a log probability near 0
(the model was fairly sure of it) and, when asked, `k` likelier-to-less-likely alternatives
headed by the token itself, in OpenAI's `ChatCompletionTokenLogprob` shape.
"""

from __future__ import annotations

import hashlib
import random
from typing import Any

__all__ = ["token_logprobs"]

_WORDS = " the| a| and| to| of| is| in| it| that| this| for| with| as| on| be| by| can| are"
_ALTERNATIVES = (*_WORDS.split("|"), ",", ".", " or", " an", " not")


def _entry(token: str, logprob: float) -> dict[str, Any]:
    return {"token": token, "logprob": round(logprob, 6), "bytes": list(token.encode("utf-8"))}


def token_logprobs(tokens: list[str], top: int, seed: int) -> list[dict[str, Any]]:
    """One `ChatCompletionTokenLogprob` per token, each with `top` alternatives (0–20)."""
    digest = hashlib.sha256(f"logprobs\x1f{seed}\x1f{len(tokens)}".encode()).digest()
    rng = random.Random(int.from_bytes(digest[:8], "big"))
    out = []
    for token in tokens:
        chosen = -rng.uniform(0.0, 0.7)
        entry = _entry(token, chosen)
        others = rng.sample([a for a in _ALTERNATIVES if a != token], k=max(top - 1, 0))
        logprob, ranked = chosen, [_entry(token, chosen)] if top else []
        for other in others:
            logprob -= rng.uniform(0.5, 2.5)
            ranked.append(_entry(other, logprob))
        entry["top_logprobs"] = ranked
        out.append(entry)
    return out
