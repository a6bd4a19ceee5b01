"""The embedded server, driven by the official openai SDK over real HTTP."""

from __future__ import annotations

import json
import time

import httpx
import openai
import pytest

from streamlab.sim.net import is_loopback, require_loopback
from streamlab.sim.server import main
from tests.support import loopback
from tests.support.simclient import AUTH

FAST = {"ttft_ms": 0, "tokens_per_s": 0}
MESSAGES = [{"role": "user", "content": "Explain RAG"}]


@pytest.fixture
def client(sim_base_url):
    return openai.OpenAI(base_url=sim_base_url, api_key="sk-test", max_retries=0, timeout=10)


def stream_chunks(client, **kwargs):
    kwargs.setdefault("extra_body", {"sim": FAST})
    chunks = client.chat.completions.create(model="sim-fast", messages=MESSAGES, stream=True, **kwargs)
    return list(chunks)


def test_non_streaming_returns_completion_with_usage(client):
    reply = client.chat.completions.create(model="sim-fast", messages=MESSAGES, extra_body={"sim": FAST})
    assert reply.object == "chat.completion"
    assert "Retrieval-Augmented Generation" in reply.choices[0].message.content
    assert reply.choices[0].finish_reason == "stop"
    assert reply.usage.completion_tokens > 10
    assert reply.usage.total_tokens == reply.usage.prompt_tokens + reply.usage.completion_tokens


def test_streaming_sends_role_then_content_then_stop(client):
    chunks = stream_chunks(client)
    assert chunks[0].choices[0].delta.role == "assistant"
    contents = [c.choices[0].delta.content for c in chunks[1:-1]]
    assert len(contents) > 10 and all(contents)
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert all(c.object == "chat.completion.chunk" for c in chunks)


def test_streaming_text_equals_non_streaming_text_for_same_seed(client):
    body = {"sim": {**FAST, "seed": 11}}
    streamed = "".join(c.choices[0].delta.content or "" for c in stream_chunks(client, extra_body=body))
    whole = client.chat.completions.create(model="sim-fast", messages=MESSAGES, extra_body=body)
    assert streamed == whole.choices[0].message.content


def test_include_usage_adds_a_final_usage_chunk(client):
    chunks = stream_chunks(client, stream_options={"include_usage": True})
    assert chunks[-1].choices == []
    content_chunks = [c for c in chunks if c.choices and c.choices[0].delta.content]
    assert chunks[-1].usage.completion_tokens == len(content_chunks)
    assert all(c.usage is None for c in chunks[:-1])


def test_stream_ends_with_done_marker_on_the_wire(sim_base_url):
    body = {"model": "sim-fast", "messages": MESSAGES, "stream": True, "sim": FAST}
    with loopback.stream(
        "POST", sim_base_url + "/chat/completions", json=body, headers=AUTH
    ) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in response.iter_lines() if line]
    assert lines[-1] == "data: [DONE]"
    assert all(line.startswith("data: ") for line in lines)
    assert json.loads(lines[0][6:])["choices"][0]["delta"]["role"] == "assistant"


@pytest.mark.parametrize("field", ["max_tokens", "max_completion_tokens"])
def test_max_tokens_cuts_the_answer_with_finish_reason_length(client, field):
    chunks = stream_chunks(client, **{field: 5})
    contents = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
    assert len(contents) == 5
    assert chunks[-1].choices[0].finish_reason == "length"


def test_stop_sequence_truncates(client):
    reply = client.chat.completions.create(
        model="sim-fast", messages=MESSAGES, stop=["Retrieval"], extra_body={"sim": FAST}
    )
    assert "Retrieval" not in reply.choices[0].message.content


def test_temperature_zero_ignores_seed_variation(client):
    texts = {
        client.chat.completions.create(
            model="sim-fast", messages=MESSAGES, temperature=0, seed=s, extra_body={"sim": FAST}
        )
        .choices[0]
        .message.content
        for s in range(6)
    }
    assert len(texts) == 1


def test_streaming_timing_follows_requested_profile(client):
    start = time.perf_counter()
    arrivals = []
    for chunk in client.chat.completions.create(
        model="sim-fast",
        messages=MESSAGES,
        stream=True,
        max_tokens=11,
        extra_body={"sim": {"ttft_ms": 300, "tokens_per_s": 50}},
    ):
        if chunk.choices and chunk.choices[0].delta.content:
            arrivals.append(time.perf_counter() - start)
    assert 0.28 <= arrivals[0] <= 0.6
    assert 0.15 <= arrivals[-1] - arrivals[0] <= 0.45  # 10 gaps at 20 ms = 0.2 s


def test_models_endpoint_lists_models_and_aliases(client):
    ids = {m.id for m in client.models.list()}
    assert {"sim-fast", "sim-detailed", "gpt-3.5-turbo", "gpt-4", "gpt-4o-mini"} <= ids


def test_healthz(sim_server):
    assert loopback.get(sim_server.base_url + "/healthz").json() == {"status": "ok"}


def test_tool_call_streams_partial_json_arguments(client):
    tools = [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "parameters": {
                    "type": "object",
                    "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
                },
            },
        }
    ]
    chunks = list(
        client.chat.completions.create(
            model="sim-fast",
            stream=True,
            tools=tools,
            extra_body={"sim": FAST},
            messages=[{"role": "user", "content": "Use get_weather for Paris over 3 days"}],
        )
    )
    first = chunks[0].choices[0].delta.tool_calls[0]
    assert first.function.name == "get_weather" and first.id.startswith("call_")
    pieces = [c.choices[0].delta.tool_calls[0].function.arguments for c in chunks[1:-1]]
    assert len(pieces) > 2
    assert json.loads("".join(pieces)) == {"city": "Paris", "days": 3}
    assert chunks[-1].choices[0].finish_reason == "tool_calls"


def test_tool_call_forced_through_sim_field(client):
    tools = [{"type": "function", "function": {"name": "lookup", "parameters": {"type": "object"}}}]
    reply = client.chat.completions.create(
        model="sim-fast",
        tools=tools,
        messages=MESSAGES,
        extra_body={"sim": {**FAST, "tool_call": "lookup"}},
    )
    assert reply.choices[0].message.tool_calls[0].function.name == "lookup"
    assert reply.choices[0].finish_reason == "tool_calls"


@pytest.mark.parametrize(
    "host, ok",
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("192.168.1.5", False),
    ],
)
def test_loopback_guard(host, ok):
    assert is_loopback(host) is ok


def test_cli_refuses_remote_bind_without_flag():
    with pytest.raises(SystemExit, match="--allow-remote"):
        main(["--host", "0.0.0.0", "--port", "0"])
    require_loopback("0.0.0.0", allow_remote=True)  # explicit opt-in is accepted


def test_embedded_server_listens_on_loopback_only(sim_server):
    sock = sim_server.server.servers[0].sockets[0]
    assert sock.getsockname()[0] == "127.0.0.1"


def test_no_cors_headers_so_other_sites_cannot_read_the_simulator(sim_server):
    preflight = {"origin": "https://evil.example", "access-control-request-method": "POST"}
    response = httpx.options(sim_server.base_url + "/v1/chat/completions", headers=preflight)
    assert "access-control-allow-origin" not in response.headers
    plain = loopback.get(
        sim_server.base_url + "/v1/models", headers={"origin": "https://evil.example", **AUTH}
    )
    assert "access-control-allow-origin" not in plain.headers
