"""The simulator under abandonment and shutdown: work stops when the client leaves, SIGTERM
stops the server with requests in flight, and thousands of streams leave no fds or threads."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from streamlab.sim.net import bind_loopback_socket
from streamlab.sim.server import create_app
from streamlab.sim.serving import RunningServer, start_server
from tests.support import loopback
from tests.support.simclient import AUTH

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = [{"role": "user", "content": "Explain RAG"}]
SLOW = {"ttft_ms": 5000, "tokens_per_s": 1}  # the slowest schedule the limits allow


@pytest.fixture
def own_server():
    server = start_server(create_app())
    yield server
    server.stop()


def server_tasks(server: RunningServer) -> int:
    """asyncio tasks alive in the server's event loop (one or more per request in progress)."""
    loop = server.server.servers[0].get_loop()

    async def count() -> int:
        return len(asyncio.all_tasks())

    return asyncio.run_coroutine_threadsafe(count(), loop).result(5)


async def abandon(base_url: str, n: int, *, stream: bool, batch: int = 200) -> int:
    """Send `n` slow requests and give up on each 0.3 s after sending it; how many timed out."""
    body = {"model": "sim-fast", "messages": MESSAGES, "stream": stream, "sim": SLOW}
    limits = httpx.Limits(max_connections=batch, max_keepalive_connections=0)
    gave_up = 0
    timeout = httpx.Timeout(10.0, read=0.3)  # connect and send surely, then give up waiting
    async with httpx.AsyncClient(
        base_url=base_url, limits=limits, timeout=timeout, headers=AUTH
    ) as client:

        async def one() -> None:
            nonlocal gave_up
            try:
                async with client.stream("POST", "/v1/chat/completions", json=body) as response:
                    async for _ in response.aiter_bytes():
                        pass
            except httpx.ReadTimeout:
                gave_up += 1

        for start in range(0, n, batch):
            await asyncio.gather(*(one() for _ in range(min(batch, n - start))))
    return gave_up


def wait_until(condition, timeout_s: float, what: str) -> float:
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < timeout_s, what
        time.sleep(0.05)
    return time.monotonic() - start


# invoke: the probe's 1,000 abandoned requests held 24 MB for ever; stream: a regression guard.
@pytest.mark.parametrize("stream, n", [(False, 1000), (True, 200)], ids=["invoke", "stream"])
def test_abandoned_requests_when_client_leaves_then_work_stops(own_server, stream, n):
    idle = server_tasks(own_server)
    assert asyncio.run(abandon(own_server.base_url, n, stream=stream)) == n
    # Each request was scheduled to run 5 s and more; they must end as soon as their client left.
    wait_until(lambda: server_tasks(own_server) <= idle + 2, 3.0, "abandoned requests still running")
    stats = loopback.get(own_server.base_url + "/v1/sim/stats").json()
    assert stats["active_requests"] == 0
    assert stats["requests"] == n


def free_port() -> int:
    sock = bind_loopback_socket()
    port = sock.getsockname()[1]
    sock.close()
    return port


def test_sigterm_when_requests_in_flight_then_server_exits_promptly():
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlab.server", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _healthy(base), 20, "server did not start")
        holders = [
            threading.Thread(target=_hold, args=(base, stream), daemon=True)
            for stream in [True] * 10 + [False] * 10
        ]
        for holder in holders:
            holder.start()
        wait_until(
            lambda: loopback.get(base + "/v1/sim/stats").json()["active_requests"] == 20,
            10,
            "not in flight",
        )
        start = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
        assert time.monotonic() - start < 5
        assert b"Traceback" not in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _healthy(base: str) -> bool:
    try:
        return loopback.get(base + "/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _hold(base: str, stream: bool) -> None:
    body = {"model": "sim-detailed", "messages": MESSAGES, "stream": stream, "sim": SLOW}
    try:
        with loopback.stream(
            "POST", base + "/v1/chat/completions", json=body, headers=AUTH, timeout=60
        ) as response:
            for _ in response.iter_bytes():
                pass
    except httpx.HTTPError:
        pass  # the server went away: that is the point


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def rss_mb() -> float:
    """This process's resident memory (the server runs in it), from /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS in /proc/self/status")


def test_many_streams_when_finished_then_fds_threads_and_memory_stay_flat(own_server):
    sim = {"ttft_ms": 0, "tokens_per_s": 0, "text": "one two three"}
    body = {"model": "sim-fast", "messages": MESSAGES, "stream": True, "sim": sim}

    async def streams(n: int) -> None:
        limits = httpx.Limits(max_connections=20)
        async with httpx.AsyncClient(
            base_url=own_server.base_url, limits=limits, timeout=10, headers=AUTH
        ) as client:

            async def one() -> None:
                async with client.stream("POST", "/v1/chat/completions", json=body) as response:
                    async for _ in response.aiter_bytes():
                        pass

            for _ in range(n // 20):
                await asyncio.gather(*(one() for _ in range(20)))

    asyncio.run(streams(100))  # warm up pools and lazy imports
    fds, threads, rss = open_fds(), threading.active_count(), rss_mb()
    asyncio.run(streams(2000))
    # ~1 MB seen over the 2,000 streams; a leak of even 10 kB per stream would be 20 MB.
    assert rss_mb() - rss <= 15, f"RSS grew {rss:.1f} -> {rss_mb():.1f} MB over 2,000 streams"
    wait_until(lambda: open_fds() <= fds + 5, 5, f"fds grew: {fds} -> {open_fds()}")
    assert threading.active_count() <= threads + 1
    stats = loopback.get(own_server.base_url + "/v1/sim/stats").json()
    assert stats["streams_completed"] == 2100 and stats["active_streams"] == 0
