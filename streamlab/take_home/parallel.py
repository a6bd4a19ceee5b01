"""Take-home driver of "RunnableParallel": both branches at once, then one after the other."""

from __future__ import annotations

import time

from streamlab.client.providers import ProviderConfig
from streamlab.demos.parallel import BRANCH_MODELS, branch_sims
from streamlab.recipes.parallel import (
    add_up,
    build_parallel,
    stream_one_after_the_other,
    stream_parallel,
)
from streamlab.take_home.runtime import make_llm, ms_since

QUESTION = "Explain RAG"
MAX_TOKENS = 120
BASELINE = True  # also time the branches one after the other
# Per-branch simulator latency: `detailed` waits 4× the sidebar's TTFT and runs at 0.4× its speed.
BRANCH_SIMS = {
    "short": {"ttft_ms": 150.0, "tokens_per_s": 80.0},
    "detailed": {"ttft_ms": 600.0, "tokens_per_s": 32.0},
}


def timed(chunks) -> list:
    start, seen = time.perf_counter(), []
    first: dict[str, float] = {}
    last: dict[str, float] = {}
    for chunk in chunks:
        ((name, message),) = chunk.items()  # every chunk is a one-key dict
        now = ms_since(start)
        if message.text:
            first.setdefault(name, now)
        last[name] = now
        seen.append(chunk)
    for name in last:
        print(f"  {name:<9} first text {first.get(name, 0):7,.0f} ms · last chunk {last[name]:7,.0f} ms")
    print(f"  all done after {ms_since(start):,.0f} ms, {len(seen)} chunks")
    return seen


def main() -> None:
    models = {
        name: make_llm(sim_model=model, sim=BRANCH_SIMS[name], max_tokens=MAX_TOKENS)
        for name, model in BRANCH_MODELS.items()
    }
    print("RunnableParallel.stream(), both branches at once:")
    chunks = timed(stream_parallel(build_parallel(**models), QUESTION))
    if (total := add_up(chunks)) is not None:  # one dict: each branch's chunks added up
        sizes = ", ".join(f"{name} {len(message.text)} chars" for name, message in total.items())
        print(f"  add_up(chunks) → keys {list(total)}: {sizes}")
    if BASELINE:
        print("The same branches, one after the other:")
        timed(stream_one_after_the_other(models, QUESTION))


def from_provider(config: ProviderConfig) -> dict[str, object]:
    """The branches' latency as the page derives it from the sidebar's profile."""
    return {"BRANCH_SIMS": branch_sims(config.profile)}
