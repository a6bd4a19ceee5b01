"""Take-home driver of "Latency lab": the experiment's configurations, N trials each, medians.

Trials run one at a time here (the lab runs them concurrently and in a seeded random order), so
expect the same medians, not the same wall time.
"""

from __future__ import annotations

import asyncio
import statistics
import time

from streamlab.client.providers import OPENAI_URL
from streamlab.lab.experiments import ExperimentConfig
from streamlab.recipes.latency_lab import CHAINS
from streamlab.take_home.runtime import make_llm, ms_since

CHAIN = "llm"  # "llm", "sequence", "parallel" or "blocking"
PROMPTS = ["Explain streaming runnables"]
TRIALS = 5
WARMUP = 1  # per configuration, not counted
SEED = 0  # trial i asks the simulator for seed SEED + i: the same jitter in every configuration
MAX_TOKENS = 0  # 0: no limit
# One configuration per row; `base_url` None means BASE_URL, `sim` None a real provider.
VARIANTS = [
    {"label": "streaming", "mode": "stream", "api": "sync", "model": "sim-fast", "base_url": None,
     "sim": {"ttft_ms": 150.0, "tokens_per_s": 80.0, "jitter_ms": 5.0}},
    {"label": "invoke", "mode": "invoke", "api": "sync", "model": "sim-fast", "base_url": None,
     "sim": {"ttft_ms": 150.0, "tokens_per_s": 80.0, "jitter_ms": 5.0}},
]  # fmt: skip


def text_of(chunk) -> str:
    if isinstance(chunk, str):
        return chunk
    if isinstance(chunk, dict):  # RunnableParallel: {'short': AIMessageChunk(...)}
        return "".join(text_of(value) for value in chunk.values())
    return chunk.text


async def one_trial(variant: dict, trial: int, prompt: str) -> tuple[float | None, float]:
    """(first text, total) in ms for one call of the chain, as the configuration makes it."""
    simulated = variant["sim"] is not None
    llm = make_llm(
        None if simulated else variant["model"],
        sim_model=variant["model"],
        sim={**(variant["sim"] or {}), "seed": SEED + max(trial, 0)},
        base_url=variant["base_url"],
        simulated=simulated,
        **({"max_tokens": MAX_TOKENS} if MAX_TOKENS else {}),
    )
    chain, start, first_ms = CHAINS[CHAIN](llm), time.perf_counter(), None
    if variant["mode"] == "invoke":
        await chain.ainvoke(prompt) if variant["api"] == "async" else chain.invoke(prompt)
        return ms_since(start), ms_since(start)  # the first text IS the whole answer
    chunks = chain.astream(prompt) if variant["api"] == "async" else None
    if chunks is not None:
        async for chunk in chunks:
            first_ms = ms_since(start) if first_ms is None and text_of(chunk) else first_ms
    else:
        for chunk in chain.stream(prompt):
            first_ms = ms_since(start) if first_ms is None and text_of(chunk) else first_ms
    return first_ms, ms_since(start)


async def experiment() -> None:
    for variant in VARIANTS:
        for warmup in range(WARMUP):
            await one_trial(variant, -1 - warmup, PROMPTS[0])
        runs = [await one_trial(variant, i, PROMPTS[i % len(PROMPTS)]) for i in range(TRIALS)]
        ttft = statistics.median(first for first, _ in runs if first is not None)
        total = statistics.median(done for _, done in runs)
        print(f"{variant['label']:<20} median TTFT {ttft:7,.0f} ms · median total {total:7,.0f} ms")
    print(f"({TRIALS} trials per configuration, chain {CHAIN!r})")


def main() -> None:
    # One event loop for every trial: langchain-openai shares its async HTTP client between
    # models with the same base URL, and a client cannot outlive the loop that opened it.
    asyncio.run(experiment())


def inputs_for(config: ExperimentConfig) -> dict[str, object]:
    """This driver's settings for a lab experiment: every configuration written out, no keys."""
    variants = [
        {
            "label": v.label,
            "mode": v.mode,
            "api": v.api,
            "model": v.model,
            "base_url": {"embedded": None, "openai": OPENAI_URL}.get(v.provider, v.base_url),
            "sim": None
            if v.provider != "embedded"
            else {
                "ttft_ms": v.ttft_ms,
                "tokens_per_s": v.tokens_per_s,
                "jitter_ms": v.jitter_ms,
                **({"fault": v.fault} if v.fault else {}),
            },
        }
        for v in config.variants
    ]
    return {
        "CHAIN": config.chain,
        "PROMPTS": list(config.prompts),
        "TRIALS": config.trials,
        "WARMUP": config.warmup,
        "SEED": config.seed,
        "MAX_TOKENS": config.max_tokens,
        "VARIANTS": variants,
    }
