"""The lab's own HTTP calls share one TLS context: a new client no longer re-reads the CA bundle."""

from __future__ import annotations

import time

import httpx

from streamlab.client.http import http_client, http_get, ssl_context
from streamlab.client.providers import loop_safe_async_client


def _cpu_s(make, times: int = 10) -> float:
    start = time.process_time()
    for _ in range(times):
        make().close()
    return time.process_time() - start


def test_ssl_context_is_built_once_per_process():
    assert ssl_context() is ssl_context()


def test_a_new_lab_client_costs_a_fraction_of_a_plain_httpx_client():
    ssl_context()  # built once
    assert _cpu_s(http_client) < 0.2 * _cpu_s(httpx.Client)  # plain: ~20 ms each, the CA read


def test_http_get_reads_the_simulators_stats(sim_server):
    stats = http_get(sim_server.base_url + "/v1/sim/stats", timeout=10).json()
    assert stats["requests"] >= 0 and "streams_completed" in stats


async def test_async_model_pools_in_one_process_share_the_context(sim_server):
    client = loop_safe_async_client()
    response = await client.get(sim_server.base_url + "/v1/sim/stats")
    assert response.status_code == 200
    pool = client._transport._pools[next(iter(client._transport._pools))]  # type: ignore[attr-defined]
    assert pool._pool._ssl_context is ssl_context()
    await client.aclose()
