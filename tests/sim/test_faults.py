"""Injected faults as a client sees them: HTTP errors, no answer, a cut connection."""

from __future__ import annotations

import time

import openai
import pytest

from tests.support import loopback
from tests.support.simclient import AUTH, FAST

MESSAGES = [{"role": "user", "content": "Explain RAG"}]


@pytest.fixture
def client(sim_base_url):
    return openai.OpenAI(base_url=sim_base_url, api_key="sk-test", max_retries=0, timeout=10)


def stream_chunks(client, **kwargs):
    kwargs.setdefault("extra_body", {"sim": FAST})
    chunks = client.chat.completions.create(model="sim-fast", messages=MESSAGES, stream=True, **kwargs)
    return list(chunks)


@pytest.mark.parametrize(
    "fault, error, status",
    [
        ("401", openai.AuthenticationError, 401),
        ("429", openai.RateLimitError, 429),
        ("500", openai.InternalServerError, 500),
    ],
)
def test_http_faults_map_to_openai_errors(client, fault, error, status):
    with pytest.raises(error) as info:
        stream_chunks(client, extra_body={"sim": {**FAST, "fault": fault}})
    assert info.value.status_code == status
    assert info.value.body["code"]


def test_rate_limit_fault_sends_retry_after(sim_base_url):
    body = {"model": "sim-fast", "messages": MESSAGES, "sim": {"fault": "429"}}
    response = loopback.post(sim_base_url + "/chat/completions", json=body, headers=AUTH)
    assert response.status_code == 429
    assert response.headers["retry-after"] == "1"
    assert response.json()["error"]["type"] == "requests"


def test_timeout_fault_sends_no_body_until_client_gives_up(sim_base_url):
    short = openai.OpenAI(base_url=sim_base_url, api_key="x", max_retries=0, timeout=0.5)
    start = time.perf_counter()
    with pytest.raises(openai.APITimeoutError):
        list(
            short.chat.completions.create(
                model="sim-fast",
                messages=MESSAGES,
                stream=True,
                extra_body={"sim": {"fault": "timeout"}},
            )
        )
    assert 0.4 <= time.perf_counter() - start < 3


def test_drop_after_fault_cuts_connection_without_done(client):
    received = []
    with pytest.raises(openai.APIError):
        for chunk in client.chat.completions.create(
            model="sim-fast",
            messages=MESSAGES,
            stream=True,
            extra_body={"sim": {**FAST, "fault": "drop_after:4"}},
        ):
            received.append(chunk)
    assert len(received) == 4


def test_disconnect_stops_generation(sim_base_url, server_stats):
    before = server_stats()
    body = {
        "model": "sim-fast",
        "messages": MESSAGES,
        "stream": True,
        "sim": {"ttft_ms": 0, "tokens_per_s": 20},
    }
    with loopback.stream(
        "POST", sim_base_url + "/chat/completions", json=body, headers=AUTH
    ) as response:
        for _ in zip(range(3), response.iter_lines(), strict=False):
            pass
    deadline = time.monotonic() + 3
    while server_stats()["streams_disconnected"] == before["streams_disconnected"]:
        assert time.monotonic() < deadline, "server never noticed the disconnect"
        time.sleep(0.05)
    sent = server_stats()["chunks_sent"]
    time.sleep(0.3)  # at 20 tok/s, six more chunks would have been sent by now
    assert server_stats()["chunks_sent"] == sent


def test_error_after_fault_when_streamed_then_chunks_then_an_error_event_without_done(sim_base_url):
    body = {
        "model": "sim-fast",
        "messages": MESSAGES,
        "stream": True,
        "sim": {**FAST, "fault": "error_after:3"},
    }
    response = loopback.post(sim_base_url + "/chat/completions", json=body, headers=AUTH, timeout=10)
    lines = [line for line in response.text.splitlines() if line]
    assert response.status_code == 200 and len(lines) == 4
    assert lines[3].startswith('data: {"error":{"message":"The server had an error')
    assert "[DONE]" not in response.text


def test_error_after_fault_when_read_by_the_sdk_then_api_error_after_the_chunks(client):
    received = []
    with pytest.raises(openai.APIError, match="The server had an error") as info:
        for chunk in client.chat.completions.create(
            model="sim-fast",
            messages=MESSAGES,
            stream=True,
            extra_body={"sim": {**FAST, "fault": "error_after:3"}},
        ):
            received.append(chunk)
    assert not isinstance(info.value, openai.APIConnectionError)  # an answer, not a broken socket
    assert len(received) == 3


def test_error_after_fault_when_chat_openai_streams_then_partial_text_then_api_error(make_llm):
    received = []
    with pytest.raises(openai.APIError) as info:
        for chunk in make_llm(sim={"text": "Hello brave new world", "fault": "error_after:3"}).stream(
            "hi"
        ):
            received.append(chunk.content)
    assert received == ["", "Hello", " brave"]
    assert info.value.body["type"] == "server_error"


def test_error_after_fault_when_not_streamed_then_500(client):
    with pytest.raises(openai.InternalServerError):
        client.chat.completions.create(
            model="sim-fast", messages=MESSAGES, extra_body={"sim": {**FAST, "fault": "error_after:3"}}
        )
