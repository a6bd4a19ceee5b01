"""What the simulator refuses before reading a request: foreign Host names, non-JSON bodies,
oversized and stalled bodies; and the trace store's bounds (issue "Hostile input", item 9)."""

from __future__ import annotations

import json
import socket
import time

import httpx
import pytest

from streamlab.sim.net import LoopbackHostGuard, is_loopback_host_header
from streamlab.sim.server import ServerLimits, create_app
from streamlab.sim.serving import start_server
from streamlab.sim.traces import SendTrace, TraceStore
from tests.support import loopback
from tests.support.simclient import AUTH

BODY = {
    "model": "sim-fast",
    "messages": [{"role": "user", "content": "hi"}],
    "sim": {"ttft_ms": 0, "tokens_per_s": 0},
}


def post(base_url: str, **kwargs) -> httpx.Response:
    headers = {**AUTH, **kwargs.pop("headers", {})}
    return loopback.post(base_url + "/v1/chat/completions", timeout=10, headers=headers, **kwargs)


def error_of(response: httpx.Response) -> tuple[int, str, str]:
    error = response.json()["error"]
    return response.status_code, error["type"], error["code"]


@pytest.mark.parametrize(
    "host, allowed",
    [
        ("127.0.0.1:8765", True),
        ("localhost:8765", True),
        ("localhost", True),
        ("[::1]:8765", True),
        ("evil.example", False),
        ("evil.example:8765", False),
        ("127.0.0.1.evil.example", False),
        ("0.0.0.0:8765", False),
        ("192.168.1.5", False),
        ("localhost:80x", False),
        ("", False),
    ],
)
def test_host_header_when_not_loopback_then_refused(sim_server, host, allowed):
    assert is_loopback_host_header(host) is allowed
    for method, path in [("GET", "/v1/models"), ("POST", "/v1/chat/completions")]:
        response = httpx.request(
            method, sim_server.base_url + path, json=BODY, headers={"host": host, **AUTH}, timeout=10
        )
        if allowed:
            assert response.status_code == 200, (method, path)
        else:
            assert error_of(response) == (400, "invalid_request_error", "invalid_host"), (method, path)


def test_host_guard_is_a_plain_asgi_middleware_for_other_servers():
    from fastapi import FastAPI

    app = FastAPI()
    app.add_middleware(LoopbackHostGuard)

    @app.get("/chat")
    async def chat() -> dict[str, str]:
        return {"ok": "yes"}

    server = start_server(app)
    try:
        assert loopback.get(server.base_url + "/chat").json() == {"ok": "yes"}
        refused = loopback.get(server.base_url + "/chat", headers={"host": "rebound.example"})
        assert refused.status_code == 400 and refused.json()["error"]["code"] == "invalid_host"
    finally:
        server.stop()


@pytest.mark.parametrize(
    "content_type, status",
    [
        ("application/json", 200),
        ("application/json; charset=utf-8", 200),
        ("Application/JSON", 200),
        ("text/plain", 415),
        ("application/x-www-form-urlencoded", 415),
        ("multipart/form-data; boundary=x", 415),
        (None, 415),
    ],
)
def test_post_body_when_not_declared_json_then_415(sim_server, content_type, status):
    headers = {} if content_type is None else {"content-type": content_type}
    response = post(sim_server.base_url, content=json.dumps(BODY).encode(), headers=headers)
    assert response.status_code == status
    if status != 200:
        assert error_of(response) == (415, "invalid_request_error", "unsupported_media_type")


def test_ten_megabyte_prompt_when_sent_then_413_quickly(sim_server):
    huge = {**BODY, "messages": [{"role": "user", "content": "x" * 10_000_000}]}
    start = time.perf_counter()
    response = post(sim_server.base_url, json=huge)
    assert error_of(response) == (413, "invalid_request_error", "request_too_large")
    assert time.perf_counter() - start < 2


def test_chunked_body_without_length_when_over_the_cap_then_413(sim_server):
    def pieces():
        yield b'{"model": "sim-fast", "messages": [{"role": "user", "content": "'
        for _ in range(30):
            yield b"x" * 100_000
        yield b'"}]}'

    response = post(sim_server.base_url, content=pieces(), headers={"content-type": "application/json"})
    assert error_of(response) == (413, "invalid_request_error", "request_too_large")


def test_body_just_under_the_cap_is_accepted(sim_server):
    limit = ServerLimits().max_body_bytes
    text = "x" * (limit - 1000)
    body = {**BODY, "messages": [{"role": "user", "content": text}]}
    assert post(sim_server.base_url, json=body).status_code == 200


def test_half_sent_bodies_when_stalled_then_408_and_sockets_freed():
    server = start_server(create_app(ServerLimits(body_timeout_s=0.5)))
    try:
        port = server.port
        head = (
            f"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Authorization: Bearer sk-test\r\n"
            'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"model": '
        ).encode()
        socks = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(50)]
        for sock in socks:
            sock.sendall(head)
        replies = []
        for sock in socks:
            data = b""
            while chunk := sock.recv(65536):  # the server answers, then closes the socket
                data += chunk
            replies.append(data.split(b" ", 2)[1])
            sock.close()
        assert replies == [b"408"] * 50
        deadline = time.monotonic() + 5
        while server.server.server_state.connections:
            assert time.monotonic() < deadline, "connections still held"
            time.sleep(0.05)
    finally:
        server.stop()


def test_trace_store_when_flooded_then_count_and_bytes_stay_bounded():
    store = TraceStore(limit=50, max_bytes=200_000)
    for i in range(500):
        trace = store.start(f"t{i}")
        trace.mark_sent(["x" * 1000] * 20)
    assert len(store) <= 50
    assert store.size_bytes() <= 200_000
    assert store.get("t499") is not None and store.get("t0") is None


def test_one_trace_when_huge_then_stops_recording_and_says_so():
    store = TraceStore(limit=5, max_bytes=100_000)
    trace = store.start("big")
    for _ in range(1000):
        trace.mark_sent(["y" * 1000])
    assert store.size_bytes() <= 100_000
    assert trace.to_json()["truncated"] is True
    assert len(trace.texts) == len(trace.sent_ns) < 100


def test_a_trace_without_a_store_still_records():
    trace = SendTrace("alone")
    trace.mark_sent(["a"], at_ns=1)
    assert trace.to_json()["texts"] == ["a"] and trace.to_json()["truncated"] is False
