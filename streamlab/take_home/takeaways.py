"""Take-home driver of "Takeaways & quiz": four chains, none with `streaming=True`, chunks counted."""

from __future__ import annotations

from streamlab.recipes.takeaways import CHAINS, count_text_chunks
from streamlab.take_home.runtime import make_llm

QUESTION = "Explain streaming runnables"


def main() -> None:
    llm = make_llm(max_tokens=40)
    for name, build in CHAINS.items():
        count = count_text_chunks(build(llm), QUESTION)
        print(
            f"{name:<26} {count:>3} chunks with text"
            + ("  ← one chunk, at the end" if count == 1 else "")
        )
