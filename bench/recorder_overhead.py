"""How much does recording slow a stream down? Bare `chain.stream()` vs `StreamRecorder.wrap()`.

Zero-latency fake streams make the recorder's per-chunk cost as visible as it can get;
with a real model, network gaps dwarf it. Goal: recorded / bare ≤ 1.05.

Usage: .venv/bin/python -m bench.recorder_overhead [--reps 15] [--chunks 2000]
"""

from __future__ import annotations

import argparse
import gc
import itertools
import statistics
import time
from collections.abc import Callable, Iterator

from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.runnables import Runnable, RunnableGenerator

from streamlab.measure.recorder import StreamRecorder

GOAL = 1.05


def build_generator_chain(chunks: int) -> Runnable:
    # The cheapest streaming Runnable: the baseline does least per chunk, so the ratio is a worst case.
    def tokens(_: Iterator[object]) -> Iterator[AIMessageChunk]:
        for i in range(chunks):
            yield AIMessageChunk(content=f"t{i % 10} ")

    return RunnableGenerator(tokens)


def build_chat_model(chunks: int) -> Runnable:
    # GenericFakeChatModel splits on whitespace keeping separators: n words → 2n − 1 chunks.
    text = " ".join(["tok"] * ((chunks + 1) // 2))
    return GenericFakeChatModel(messages=itertools.repeat(AIMessage(content=text)))


def time_bare(chain: Runnable) -> float:
    t0 = time.perf_counter()
    for _ in chain.stream("go"):
        pass
    return time.perf_counter() - t0


def time_recorded(chain: Runnable) -> float:
    t0 = time.perf_counter()
    rec = StreamRecorder(label="bench")
    for _ in rec.wrap(chain.stream("go")):
        pass
    return time.perf_counter() - t0


def measure(chain: Runnable, reps: int) -> tuple[list[float], list[float]]:
    """Seconds per run (bare, recorded), alternating the order so drift hits both equally."""
    runs: dict[Callable[[Runnable], float], list[float]] = {time_bare: [], time_recorded: []}
    for fn in runs:  # warm-up: imports, caches, first-call costs
        fn(chain)
    for rep in range(reps):
        order = [time_bare, time_recorded] if rep % 2 == 0 else [time_recorded, time_bare]
        for fn in order:
            gc.collect()
            runs[fn].append(fn(chain))
    return runs[time_bare], runs[time_recorded]


def time_exports(chain: Runnable) -> float:
    rec = StreamRecorder(label="bench")
    for _ in rec.wrap(chain.stream("go")):
        pass
    t0 = time.perf_counter()
    rec.summary()
    rec.to_dataframe()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=31)
    parser.add_argument("--chunks", type=int, default=2000)
    args = parser.parse_args()
    scenarios = {
        "RunnableGenerator": build_generator_chain(args.chunks),
        "GenericFakeChatModel": build_chat_model(args.chunks),
    }
    print(
        f"{'stream':<22}{'chunks':>7}{'bare ms':>9}{'recorded ms':>13}{'ratio':>7}"
        f"{'min ratio':>11}{'µs/chunk':>10}"
    )
    for name, chain in scenarios.items():
        n = sum(1 for _ in chain.stream("go"))
        bare_runs, recorded_runs = measure(chain, args.reps)
        bare, recorded = statistics.median(bare_runs), statistics.median(recorded_runs)
        # The minimum is the least noisy estimate of intrinsic cost on a busy machine.
        min_ratio = min(recorded_runs) / min(bare_runs)
        per_chunk_us = (recorded - bare) / n * 1e6
        verdict = "ok" if recorded / bare <= GOAL else f"over goal {GOAL}"
        print(
            f"{name:<22}{n:>7}{bare * 1e3:>9.1f}{recorded * 1e3:>13.1f}{recorded / bare:>7.3f}"
            f"{min_ratio:>11.3f}{per_chunk_us:>10.2f}  {verdict}"
        )
    exports_ms = time_exports(scenarios["RunnableGenerator"]) * 1e3
    print(
        f"summary() + to_dataframe() after {args.chunks} chunks (text extraction happens here): "
        f"{exports_ms:.1f} ms, once per run"
    )
    print(f"ratio = median recorded / median bare, {args.reps} alternating repetitions; goal ≤ {GOAL}")


if __name__ == "__main__":
    main()
