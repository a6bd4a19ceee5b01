"""Does the latency lab's concurrency pay off? 100 trials at concurrency 1 vs 8.

A trial mostly waits (for the first token, then for the rest), so running 8 at once should
cut the wall time about 8×; the goal is ≥ 5×. Uses the embedded simulator with a fixed
profile, so the numbers repeat; streaming trials, LLM-only chain.

Usage: .venv/bin/python -m bench.lab_scaling [--trials 100] [--concurrency 8] [--api sync|async]
"""

from __future__ import annotations

import argparse
import statistics

from streamlab.lab.endpoints import Endpoints
from streamlab.lab.experiments import ExperimentConfig, Variant
from streamlab.lab.results import trials_frame
from streamlab.lab.runner import run_experiment
from streamlab.sim.server import start_embedded

GOAL = 5.0


def measure(
    endpoints: Endpoints, variant: Variant, trials: int, concurrency: int, max_tokens: int
) -> tuple[float, float, int]:
    """(wall time s, median trial time ms, failed trials) for one run of the experiment."""
    config = ExperimentConfig(
        name=f"scaling c={concurrency}",
        variants=(variant,),
        trials=trials,
        concurrency=concurrency,
        warmup=1,
        seed=0,
        max_tokens=max_tokens,
    )
    experiment = run_experiment(config, endpoints)
    frame = trials_frame(experiment.trials)
    return (
        experiment.wall_ms / 1000,
        statistics.median(frame["total_ms"]),
        int((frame["status"] != "ok").sum()),
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--api", choices=("sync", "async"), default="sync")
    parser.add_argument("--ttft", type=float, default=100.0, help="simulated TTFT in ms")
    parser.add_argument("--tps", type=float, default=200.0, help="simulated tokens per second")
    parser.add_argument("--max-tokens", type=int, default=20)
    args = parser.parse_args(argv)
    server = start_embedded()
    try:
        endpoints = Endpoints(embedded_url=server.base_url)
        variant = Variant(
            "stream", api=args.api, ttft_ms=args.ttft, tokens_per_s=args.tps, jitter_ms=0.0
        )
        print(
            f"{args.trials} streaming trials ({args.api}), TTFT {args.ttft:g} ms, {args.tps:g} tok/s, "
            f"max {args.max_tokens} tokens"
        )
        results = {
            c: measure(endpoints, variant, args.trials, c, args.max_tokens)
            for c in (1, args.concurrency)
        }
    finally:
        server.stop()
    for c, (wall_s, median_ms, failed) in results.items():
        print(
            f"  concurrency {c:>2}: wall {wall_s:6.2f} s · median trial {median_ms:6.1f} ms · "
            f"failed {failed}"
        )
    speedup = results[1][0] / results[args.concurrency][0]
    verdict = "OK" if speedup >= GOAL else "BELOW GOAL"
    print(f"speed-up ×{speedup:.1f} (goal ≥ ×{GOAL:g}): {verdict}")


if __name__ == "__main__":
    main()
