"""Workshop-room load: TTFT with 1 vs 20 concurrent streaming sessions, and leak check.

Usage:
    .venv/bin/python -m bench.concurrency

Goal: p95 TTFT with 20 sessions within +100 ms of a single session; no growth in threads or
open sockets after 100 runs.
"""

from __future__ import annotations

import asyncio
import gc

from streamlab.client.providers import build_chat_model, embedded_config
from streamlab.measure.load import open_fds, run_sessions, thread_count, ttft_ms
from streamlab.sim.answers import LatencyProfile
from streamlab.sim.server import start_embedded

PROFILE = LatencyProfile(ttft_ms=200, tokens_per_s=50, jitter_ms=0, seed=1)


def main() -> None:
    server = start_embedded()
    config = embedded_config(server.base_url, profile=PROFILE)

    def make():
        return build_chat_model(config, max_tokens=20)

    try:
        single = run_sessions(make, sessions=1, runs_each=20)
        crowd = run_sessions(make, sessions=20, runs_each=3)
        print(f"p95 TTFT, 1 session : {single.p95_ms:7.1f} ms  (configured {PROFILE.ttft_ms:.0f} ms)")
        print(
            f"p95 TTFT, 20 sessions: {crowd.p95_ms:7.1f} ms  (+{crowd.p95_ms - single.p95_ms:.1f} ms; "
            f"goal ≤ +100 ms) {'ok' if crowd.p95_ms - single.p95_ms <= 100 else 'MISSED'}"
        )
        fast = embedded_config(server.base_url, profile=LatencyProfile(0, 0))
        for _ in range(10):
            ttft_ms(build_chat_model(fast, max_tokens=5))
        gc.collect()
        threads, fds = thread_count(), open_fds()
        for _ in range(100):
            llm = build_chat_model(fast, max_tokens=5)
            ttft_ms(llm)
            asyncio.run(llm.ainvoke("Explain streaming"))
        gc.collect()
        print(
            f"after 100 sync+async runs: threads {threads} → {thread_count()}, "
            f"open fds {fds} → {open_fds()}"
        )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
