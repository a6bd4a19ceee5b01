"""Take-home driver of "Reasoning tokens": a reasoning model's thoughts, then its answer, and what
the effort changes."""

from __future__ import annotations

import time

from streamlab.recipes.reasoning import stream_thinking, thinking
from streamlab.take_home.runtime import make_llm, ms_since

QUESTION = "Explain RAG"
REASONING_MODEL = "sim-reasoning"  # a simulator model; with --no-sim or --openai, --model is used
EFFORT = "low"


def reasoning_llm(effort: str):
    # The simulator's model names mean nothing to a real provider: there --model is used instead.
    named = None if REASONING_MODEL.startswith("sim-") else REASONING_MODEL
    return make_llm(named, sim_model=REASONING_MODEL, **thinking(effort))


def main() -> None:
    current = None
    for piece, text in stream_thinking(reasoning_llm(EFFORT), QUESTION):
        if piece != current:
            print(f"\n--- {piece}s ---")
            current = piece
        print(text, end="", flush=True)
    print("\n\nWhat the effort changes (one after the other):")
    for effort in ("low", "medium", "high"):
        start, first = time.perf_counter(), dict[str, float]()
        for piece, _ in stream_thinking(reasoning_llm(effort), QUESTION):
            first.setdefault(piece, ms_since(start))
        thought, answer = first.get("thought"), first.get("answer")
        print(
            f"  {effort:<7} first thought {thought or 0:7,.0f} ms · first answer word "
            f"{answer or 0:7,.0f} ms · done {ms_since(start):7,.0f} ms"
        )
