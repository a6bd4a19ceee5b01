"""A workshop room: many learners streaming at once, and no leaks after many runs."""

from __future__ import annotations

import asyncio
import gc
import time

import pytest

from streamlab.client.providers import build_chat_model, embedded_config
from streamlab.measure.load import open_fds, run_sessions, thread_count, ttft_ms
from streamlab.sim.answers import LatencyProfile
from streamlab.sim.server import start_embedded

PROFILE = LatencyProfile(ttft_ms=150, tokens_per_s=50, jitter_ms=0, seed=1)


@pytest.fixture(scope="module")
def load_server():
    running = start_embedded()  # its own server, so other tests' traffic can't skew the numbers
    yield running
    running.stop()


def make(server):
    return lambda: build_chat_model(embedded_config(server.base_url, profile=PROFILE), max_tokens=15)


def test_twenty_concurrent_sessions_are_served_together_not_one_after_another(load_server):
    single = run_sessions(make(load_server), sessions=1, runs_each=8)
    crowd = run_sessions(make(load_server), sessions=20, runs_each=1)
    assert len(crowd.ttfts_ms) == 20
    # Generous: the suite keeps both cores full beside this test (it read +700 ms once). The
    # +100 ms goal is measured on a quiet machine by bench/concurrency.py; served one after
    # another, p95 would be ~8 s.
    assert crowd.p95_ms <= single.p95_ms + 1500, (single.ttfts_ms, crowd.ttfts_ms)
    # The sessions overlapped: 20 streams of ~0.45 s each took far less than 20 × 0.45 s.
    assert crowd.wall_s < 20 * 0.45 / 3


def test_hundred_runs_leak_no_threads_or_sockets(load_server):
    fast = embedded_config(load_server.base_url, profile=LatencyProfile(0, 0))

    def one_round():
        llm = build_chat_model(fast, max_tokens=5)
        ttft_ms(llm)
        asyncio.run(llm.ainvoke("Explain streaming"))

    for _ in range(10):  # warm-up: connection pools and lazy imports settle
        one_round()
    gc.collect()
    threads, fds = thread_count(), open_fds()
    for _ in range(100):
        one_round()
    gc.collect()
    assert thread_count() <= threads + 1
    # Sockets the servers of this worker's session are still closing settle within a second;
    # a leak of one per run would leave ~100 open.
    deadline = time.monotonic() + 2
    while open_fds() > fds + 5 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert open_fds() <= fds + 5, f"{open_fds() - fds} file descriptors leaked over 100 runs"
