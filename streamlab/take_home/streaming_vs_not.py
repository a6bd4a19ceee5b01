"""Take-home driver of "Streaming vs non-streaming": N trials per mode, then the medians."""

from __future__ import annotations

import statistics

from streamlab.recipes.streaming_vs_not import measure_invoke, measure_stream
from streamlab.take_home.runtime import make_llm

PROMPT = "Explain latency in LLM apps"
TRIALS = 5


def main() -> None:
    llm = make_llm()
    modes = {"stream": measure_stream, "invoke": measure_invoke}
    results: dict[str, list] = {mode: [] for mode in modes}
    for trial in range(TRIALS):
        order = list(modes) if trial % 2 == 0 else list(modes)[::-1]  # neither always goes first
        for mode in order:
            results[mode].append(modes[mode](llm, PROMPT))
    for mode, runs in results.items():
        ttft = statistics.median(m.ttft_ms for m in runs if m.ttft_ms is not None)
        total = statistics.median(m.total_ms for m in runs)
        print(f"{mode:<7} median first text {ttft:7,.0f} ms · median total {total:7,.0f} ms")
    print(f"({TRIALS} trials per mode, alternating which goes first)")
