"""`make room` (`python -m tools.replicas`): the room's replicas behind HAProxy from one command,
no containers. It listens where it is told, says what to share, names each replica that answers,
puts the address learners type into the class board's room links, and stops everything on Ctrl-C.
A missing haproxy fails it (`make test` installs it)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
import psutil
import pytest

from tools.browser import ROOT, free_port
from tools.replicas import REPLICA_HEADER, haproxy_path

PUBLIC_HOST = "192.0.2.7"  # documentation address: what a presenter would share


def wait_for_line(process: subprocess.Popen[str], start: str, timeout_s: float = 60) -> str:
    deadline = time.monotonic() + timeout_s
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if line.startswith(start):
            return line.strip()
        if not line and process.poll() is not None:
            break
    pytest.fail(f"no line starting {start!r} (exit code {process.poll()})")


def test_room_command_when_started_then_serves_replicas_through_haproxy_and_stops_on_ctrl_c():
    if haproxy_path() is None:
        pytest.fail("haproxy is not installed: `make test` installs Debian's haproxy")
    port = free_port()
    command = [sys.executable, "-m", "tools.replicas", "--replicas", "2", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--public-host", PUBLIC_HOST],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        ready = wait_for_line(process, "Serving 2 replicas")
        assert f"behind HAProxy at http://{PUBLIC_HOST}:{port}/" in ready, ready
        url = f"http://127.0.0.1:{port}"
        answered = {
            httpx.get(url + "/_stcore/health", timeout=5).headers[REPLICA_HEADER] for _ in range(6)
        }
        assert answered <= {"app1", "app2"} and answered, answered
        # The replicas themselves stay on loopback ports of their own, named in the banner.
        ports = [int(p) for p in ready.split("ports ")[1].split(")")[0].split(", ")]
        assert len(ports) == 2 and port not in ports
        for replica_port in ports:
            health = httpx.get(f"http://127.0.0.1:{replica_port}/_stcore/health", timeout=5)
            assert health.status_code == 200 and REPLICA_HEADER not in health.headers
        # Each replica knows the address learners type: the class board builds room links with it.
        apps = [
            p.cmdline() for p in psutil.Process(process.pid).children() if "streamlit" in p.cmdline()
        ]
        assert len(apps) == 2, apps
        for app in apps:
            assert app[app.index("--browser.serverAddress") + 1] == PUBLIC_HOST, app
        process.send_signal(signal.SIGINT)
        assert wait_for_line(process, "Stopped.", timeout_s=20) == "Stopped."
        assert process.wait(10) == 0
        for gone in (port, *ports):
            with pytest.raises(httpx.ConnectError):
                httpx.get(f"http://127.0.0.1:{gone}/_stcore/health", timeout=2)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
