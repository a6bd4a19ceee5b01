"""The chat server seen from a client: its totals, one run's probe, and a request as a curl line.

The chat server runs in this process, so a run's chunk times (its probe's `perf_counter_ns`)
share one clock with the client's `WireRecording` and can be put on the client's time axis.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx
import pandas as pd

from streamlab.client.http import http_get
from streamlab.measure.wire import ms_since

__all__ = ["chain_frame", "curl_command", "fetch_run", "server_stats"]


def server_stats(base_url: str, *, timeout: float = 5.0) -> dict[str, Any]:
    """The chat app's totals and its threadpool limit (`/stats`)."""
    return http_get(f"{base_url}/stats", timeout=timeout).json()


def fetch_run(base_url: str, rid: str | None, *, timeout: float = 5.0) -> dict[str, Any] | None:
    """The chat app's probe for one request (`/stats/{rid}`), or None if unknown."""
    if not rid:
        return None
    try:
        response = http_get(f"{base_url}/stats/{rid}", timeout=timeout)
    except httpx.HTTPError:
        return None
    return response.json() if response.status_code == 200 else None


def chain_frame(run: Mapping[str, Any] | None, start_ns: int) -> pd.DataFrame:
    """The chain's chunks on the client's time axis (ms since the request was sent)."""
    columns = ["chunk", "t_ms", "chars"]
    if not run:
        return pd.DataFrame(columns=columns)
    rows = [
        {"chunk": i, "t_ms": round(ms_since(t, start_ns), 2), "chars": chars}
        for i, (t, chars) in enumerate(zip(run["chunk_ns"], run["chunk_chars"], strict=True))
    ]
    return pd.DataFrame(rows, columns=columns)


def curl_command(url: str, params: Mapping[str, Any]) -> str:
    """The same request as a `curl -N` line (-N: print bytes as they arrive, no buffering)."""
    return f"curl -N '{httpx.URL(url, params=dict(params))}'"
