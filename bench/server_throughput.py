"""How fast and how accurate is the embedded simulator, seen through the real ChatOpenAI?

Usage:
    .venv/bin/python -m bench.server_throughput

Prints (1) chunks/s through `ChatOpenAI.stream()` at zero latency (goal ≥ 5,000 chunks/s on
the 2-core machine) and (2) the median |measured TTFT − configured TTFT| over 20 runs at
300 ms (goal ≤ 10 ms). TTFT is measured the lessons' way: request start → first chunk with
non-empty content.
"""

from __future__ import annotations

import statistics
import time

from streamlab.client.providers import build_chat_model, embedded_config
from streamlab.sim.answers import LatencyProfile
from streamlab.sim.server import start_embedded

LONG_TEXT = "token " * 4000  # 4,000 content chunks per request


def chunks_per_second(base_url: str, repeats: int = 5) -> float:
    llm = build_chat_model(
        embedded_config(base_url, profile=LatencyProfile(0, 0)), sim={"text": LONG_TEXT}
    )
    list(llm.stream("warm up"))
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        n = sum(1 for _ in llm.stream("Explain streaming"))
        rates.append(n / (time.perf_counter() - start))
    return statistics.median(rates)


def ttft_errors_ms(base_url: str, runs: int = 20, ttft_ms: float = 300) -> list[float]:
    llm = build_chat_model(embedded_config(base_url, profile=LatencyProfile(ttft_ms, 50)), max_tokens=5)
    errors = []
    for _ in range(runs):
        start = time.perf_counter()
        for chunk in llm.stream("Explain streaming"):
            if chunk.content:
                errors.append(abs((time.perf_counter() - start) * 1000 - ttft_ms))
                break
    return errors


def main() -> None:
    server = start_embedded()
    try:
        rate = chunks_per_second(server.base_url)
        errors = ttft_errors_ms(server.base_url)
    finally:
        server.stop()
    print(
        f"ChatOpenAI.stream() throughput at zero latency: {rate:,.0f} chunks/s "
        f"(goal ≥ 5,000) {'ok' if rate >= 5000 else 'MISSED'}"
    )
    median = statistics.median(errors)
    print(
        f"TTFT accuracy at 300 ms over {len(errors)} runs: median |error| {median:.1f} ms, "
        f"max {max(errors):.1f} ms (goal ≤ 10 ms) {'ok' if median <= 10 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
