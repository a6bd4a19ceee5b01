"""Run an ASGI app with uvicorn in a background thread on a free loopback port.

The Streamlit app, the tests and the benches all need "a real server, right here, now",
without a second process to manage; this is that one mechanism.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import uvicorn

from streamlab.sim.net import bind_loopback_socket

__all__ = ["RunningServer", "start_server"]


@dataclass(slots=True)
class RunningServer:
    base_url: str  # e.g. http://127.0.0.1:41234 (no trailing slash)
    server: uvicorn.Server
    thread: threading.Thread

    @property
    def port(self) -> int:
        return int(self.base_url.rsplit(":", 1)[1])

    def stop(self, timeout: float = 5.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)


def start_server(
    app, *, host: str = "127.0.0.1", port: int = 0, startup_timeout: float = 10.0, **uvicorn_options
) -> RunningServer:
    sock = bind_loopback_socket(host, port)
    config = uvicorn.Config(
        app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1, **uvicorn_options
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run,
        kwargs={"sockets": [sock]},
        name=f"uvicorn-{sock.getsockname()[1]}",
        daemon=True,
    )
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"server on {host}:{sock.getsockname()[1]} failed to start")
        time.sleep(0.01)
    shown_host = f"[{host}]" if ":" in host else host
    return RunningServer(f"http://{shown_host}:{sock.getsockname()[1]}", server, thread)
