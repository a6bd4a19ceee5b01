"""The workshop's scale-out topology on loopback: N `streamlit run app.py` replicas behind
Debian's HAProxy, configured by deploy/haproxy.cfg itself (not a copy), without containers.

deploy/compose.yaml runs the same HAProxy file in front of the app image; here every replica is
a local process on its own 127.0.0.1 port and the config's one compose-specific line, the
DNS-driven `server-template`, becomes one `server` line per replica. Everything else (cookie
stickiness, websocket timeouts, health checks, redispatch, the replica header) is the file's.

    with replicas(3) as apps, haproxy(apps) as url:
        async with ReplicaSession(url) as s:
            await s.run()
            print(s.replica, s.session_id)

It also serves a room without containers (`make room`, i.e. `python -m tools.replicas --replicas 3
--address 0.0.0.0 --port 8501`): on a 2-core machine three replicas hold 30 learners pressing Run
at once where one process holds about 10 (bench/README.md, Classroom capacity).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect
from websockets.typing import Origin, Subprotocol

from tools.browser import ROOT, free_port
from tools.streamlit_client import XSRF_COOKIE, StreamlitSession

__all__ = [
    "HAPROXY_CFG",
    "REPLICA_HEADER",
    "Replica",
    "ReplicaSession",
    "haproxy",
    "haproxy_config",
    "replicas",
]

HAPROXY_CFG = ROOT / "deploy" / "haproxy.cfg"
REPLICA_HEADER = "X-Streamlab-Replica"
SERVERS_MARK = "# @servers"


@dataclass(slots=True)
class Replica:
    """One `streamlit run app.py` process; `name` is its HAProxy server name (app1, app2...)."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    """Its stdout and stderr (a file, not a pipe: a pipe nobody reads would stall it when full)."""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self, grace_s: float = 3) -> None:
        """Stop it as a drained replica stops (SIGTERM), killed if it takes longer than grace_s."""
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(grace_s)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """Stop it as a crashed replica stops: at once, its sessions gone with it."""
        self.process.kill()
        self.process.wait()


@contextmanager
def replicas(
    count: int,
    *,
    env: Mapping[str, str] | None = None,
    timeout_s: float = 60,
    options: Sequence[str] = (),
) -> Iterator[list[Replica]]:
    """Start `count` replicas at once (they import in parallel) and yield them once all are
    healthy; every one still running is stopped on exit. Like tools.browser.streamlit_app.
    `options` are more `streamlit run` options (e.g. `--browser.serverAddress`)."""
    started: list[Replica] = []
    with ExitStack() as stack:
        stack.callback(_stop_all, started)
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="streamlab-replicas-")))
        for index in range(1, count + 1):
            port, log = free_port(), folder / f"app{index}.log"
            command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true"]
            command += ["--server.port", str(port), "--server.address", "127.0.0.1", *options]
            with log.open("wb") as out:
                process = subprocess.Popen(
                    command, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=out, stderr=out
                )
            started.append(Replica(f"app{index}", port, process, log))
        deadline = time.monotonic() + timeout_s
        for replica in started:
            _wait_healthy(replica.url, replica.process, deadline, replica.name, replica.log)
        yield started


def _stop_all(started: list[Replica]) -> None:
    # Signal all first, then wait: each takes a second or two to close its sessions.
    for replica in started:
        if replica.process.poll() is None:
            replica.process.terminate()
    for replica in started:
        replica.stop()


def haproxy_config(servers: Mapping[str, int], *, source: Path = HAPROXY_CFG) -> str:
    """deploy/haproxy.cfg with its compose `server-template` line replaced by one `server` line
    per loopback replica (`servers`: HAProxy server name -> port on 127.0.0.1)."""
    lines = source.read_text().splitlines()
    marks = [i for i, line in enumerate(lines) if line.strip().startswith(SERVERS_MARK)]
    if len(marks) != 1 or not lines[marks[0] + 1].strip().startswith("server-template "):
        raise ValueError(f"{source}: expected one '{SERVERS_MARK}' line before the server-template")
    at = marks[0] + 1
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    ours = [f"{indent}server {name} 127.0.0.1:{port}" for name, port in servers.items()]
    return "\n".join([*lines[:at], *ours, *lines[at + 1 :]]) + "\n"


def haproxy_path() -> str | None:
    """Debian's haproxy (in /usr/sbin, which a non-root PATH may lack); None if not installed."""
    return shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin:/usr/local/sbin")


@contextmanager
def haproxy(
    servers: Sequence[Replica], *, timeout_s: float = 15, address: str = "127.0.0.1", port: int = 0
) -> Iterator[str]:
    """Run haproxy in front of `servers` on `address`:`port` (default: a free loopback port);
    yield its URL (on loopback: the replicas' health checks and this process reach it there)."""
    binary = haproxy_path()
    if binary is None:
        raise RuntimeError("haproxy is not installed: `make test` installs Debian's haproxy")
    port = port or free_port()
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="streamlab-haproxy-")))
        config = folder / "haproxy.cfg"
        config.write_text(haproxy_config({s.name: s.port for s in servers}))
        log = folder / "haproxy.log"
        env = {
            **os.environ,
            # The same variables compose sets on the proxy container (deploy/compose.yaml).
            "STREAMLAB_PROXY_BIND": f"{address}:{port}",
            "STREAMLAB_COOKIE_KEY": "streamlab-test",
            "STREAMLAB_REPLICAS": str(len(servers)),
            # The compose DNS resolver section stays in the file; no server here refers to it.
            "STREAMLAB_DNS": "127.0.0.1:53",
        }
        with log.open("wb") as out:
            process = subprocess.Popen(
                [binary, "-db", "-f", str(config)], env=env, stdout=out, stderr=out
            )
        # 0.0.0.0 listens on every address, loopback included: check its health there.
        url = f"http://{'127.0.0.1' if address in ('0.0.0.0', '::') else address}:{port}"
        try:
            _wait_healthy(url, process, time.monotonic() + timeout_s, "haproxy", log)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_healthy(
    url: str, process: subprocess.Popen[bytes], deadline: float, what: str, log: Path
) -> None:
    while True:
        with suppress(httpx.HTTPError):
            if httpx.get(url + "/_stcore/health", timeout=1, trust_env=False).status_code == 200:
                return
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            output = log.read_text(errors="replace")
            raise RuntimeError(f"{what} did not become healthy:\n{output[-2000:]}")
        time.sleep(0.1)


class ReplicaSession(StreamlitSession):
    """A learner's tab behind the proxy: which replica served it, its Streamlit session id, and
    the frontend's websocket reconnect (tools.streamlit_client does not reconnect).

    `replica` is the proxy's `X-Streamlab-Replica` header on the websocket upgrade, `replicas`
    every value it took on HTTP responses and upgrades; `session_id` comes from the server's
    `new_session` message (the same id after a reconnect means the session was resumed)."""

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        super().__init__(base_url, **kwargs)
        self.session_id = ""
        self.session_ids: list[str] = []
        """Every session id the server announced, one per script run, in order."""
        self.replicas: list[str] = []
        self.http.event_hooks["response"].append(self._note_replica)

    @property
    def replica(self) -> str:
        return self.replicas[-1] if self.replicas else ""

    async def connect(self) -> None:
        await super().connect()
        self._note_upgrade()

    async def reconnect(self) -> None:
        """What the frontend does when its websocket drops: check the server answers (health,
        host-config), then open a new websocket naming the session it had (the third
        subprotocol), so the server resumes that session if it still holds it, or starts a new one."""
        assert self._ws is not None and self._reader is not None
        await self._ws.close()
        with suppress(BaseException):
            await self._reader
        self._closed = None
        for route in ("health", "host-config"):
            (await self.http.get(f"{self.base_url}/_stcore/{route}")).raise_for_status()
        protocols = [Subprotocol(p) for p in ("streamlit", self.cookies.get(XSRF_COOKIE) or "")]
        protocols.append(Subprotocol(self.session_id))
        host = self.base_url.split("://", 1)[1]
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.cookies.jar)
        self._ws = await connect(
            f"ws://{host}/_stcore/stream",
            subprotocols=protocols,
            origin=Origin(self.base_url),
            additional_headers={"Cookie": cookie} if cookie else None,
            proxy=None,
            max_size=None,
            open_timeout=self.timeout_s,
        )
        self._note_upgrade()
        # The client's reader task, restarted on the new connection.
        self._reader = asyncio.create_task(self._read(), name="streamlit-session-reader")

    def _handle(self, msg: ForwardMsg, at: float) -> None:
        if msg.WhichOneof("type") == "new_session" and msg.new_session.initialize.session_id:
            self.session_id = msg.new_session.initialize.session_id
            self.session_ids.append(self.session_id)
        super()._handle(msg, at)

    async def _note_replica(self, response: httpx.Response) -> None:
        if name := response.headers.get(REPLICA_HEADER):
            self.replicas.append(name)

    def _note_upgrade(self) -> None:
        response = self._ws.response if self._ws is not None else None
        if response is not None and (name := response.headers.get(REPLICA_HEADER)):
            self.replicas.append(name)


def main(argv: Sequence[str] | None = None) -> None:
    """Serve the app as N replicas behind HAProxy until Ctrl-C (or SIGTERM)."""
    parser = argparse.ArgumentParser(description="The app as N replicas behind Debian's HAProxy.")
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--address", default="127.0.0.1", help="where HAProxy listens")
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--public-host", help="the host learners type (for the board's room links)")
    args = parser.parse_args(argv)
    if args.replicas < 1:
        parser.error("--replicas must be 1 or more")
    # Room links name the address learners use, not the replica's loopback port (class_board.py).
    options = ["--browser.serverAddress", args.public_host] if args.public_host else []
    stop = {"now": False}

    def request_stop(*_: object) -> None:
        stop["now"] = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    with (
        replicas(args.replicas, options=options) as apps,
        haproxy(apps, address=args.address, port=args.port),
    ):
        shown = args.public_host or args.address
        print(
            f"Serving {len(apps)} replicas behind HAProxy at http://{shown}:{args.port}/ "
            f"(replicas on 127.0.0.1 ports {', '.join(str(a.port) for a in apps)}). Ctrl-C stops.",
            flush=True,
        )
        while not stop["now"] and all(a.process.poll() is None for a in apps):
            time.sleep(0.2)
    print("Stopped.", flush=True)


if __name__ == "__main__":
    main()
