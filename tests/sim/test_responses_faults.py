"""POST /v1/responses with the shared `sim` faults, send traces and the server's counters."""

from __future__ import annotations

import time

import httpx
import openai
import pytest

from streamlab.measure.server_trace import fetch_server_trace, new_trace_id
from tests.support import loopback
from tests.support.openapi import assert_valid
from tests.support.responses import FAST, KEY, assert_valid_events, post_events, types_of

QUESTION = {"model": "sim-fast", "input": "Explain RAG"}


@pytest.fixture
def client(sim_base_url):
    return openai.OpenAI(base_url=sim_base_url, api_key="sk-test", max_retries=0, timeout=10)


def wait_for(read, predicate, timeout_s: float = 5.0):
    """Poll `read()` until `predicate` holds for its value; return that value."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = read()
        if predicate(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.02)


@pytest.mark.parametrize(
    "fault, error, status",
    [
        ("401", openai.AuthenticationError, 401),
        ("429", openai.RateLimitError, 429),
        ("500", openai.InternalServerError, 500),
    ],
)
@pytest.mark.parametrize("stream", [False, True])
def test_http_fault_when_injected_then_sdk_raises_its_error(client, fault, error, status, stream):
    with pytest.raises(error) as caught:
        client.responses.create(**QUESTION, stream=stream, extra_body={"sim": {**FAST, "fault": fault}})
    assert caught.value.status_code == status
    assert_valid("ErrorResponse", caught.value.response.json())


def test_rate_limit_fault_when_injected_then_retry_after_header(sim_base_url):
    body = {**QUESTION, "sim": {"fault": "429"}}
    response = loopback.post(sim_base_url + "/responses", json=body, headers=KEY)
    assert (response.status_code, response.headers["retry-after"]) == (429, "1")


def test_drop_fault_when_streaming_then_cut_after_n_deltas_and_counted(client, server_stats):
    before = server_stats()["streams_disconnected"]
    deltas = []
    with pytest.raises(openai.APIConnectionError):
        for event in client.responses.create(
            **QUESTION, stream=True, extra_body={"sim": {**FAST, "fault": "drop_after:3"}}
        ):
            if event.type == "response.output_text.delta":
                deltas.append(event.delta)
    assert len(deltas) == 3
    stats = wait_for(server_stats, lambda s: s["streams_disconnected"] > before)
    assert stats["streams_disconnected"] == before + 1


def test_error_fault_when_streaming_then_error_event_then_failed_response(sim_base_url):
    events = post_events(sim_base_url, {**QUESTION, "sim": {**FAST, "fault": "error_after:3"}})
    assert_valid_events(events)
    deltas = [e["delta"] for e in events if e["type"] == "response.output_text.delta"]
    assert len(deltas) == 3
    assert types_of(events)[-2:] == ["error", "response.failed"]
    assert events[-2]["code"] == "server_error"
    failed = events[-1]["response"]
    assert (failed["status"], failed["error"]["code"]) == ("failed", "server_error")
    assert failed["output"][0]["content"][0]["text"] == "".join(deltas)  # what was sent, kept


def test_error_fault_when_chat_openai_streams_then_raises_after_the_partial_text(make_llm):
    llm = make_llm(use_responses_api=True, sim={"fault": "error_after:4"})
    texts: list[str] = []
    with pytest.raises(ValueError, match="server_error"):  # langchain-openai raises on `error`
        for chunk in llm.stream("Explain RAG"):
            texts.append(chunk.text)
    assert sum(map(bool, texts)) == 4


def test_error_fault_when_not_streamed_then_500_server_error(client):
    with pytest.raises(openai.InternalServerError) as caught:
        client.responses.create(**QUESTION, extra_body={"sim": {**FAST, "fault": "error_after:3"}})
    assert_valid("ErrorResponse", caught.value.response.json())


def test_timeout_fault_when_client_gives_up_then_sdk_timeout_and_stream_freed(
    sim_base_url, server_stats
):
    impatient = openai.OpenAI(base_url=sim_base_url, api_key="sk-test", max_retries=0, timeout=0.3)
    with pytest.raises(openai.APITimeoutError):
        list(
            impatient.responses.create(**QUESTION, stream=True, extra_body={"sim": {"fault": "timeout"}})
        )
    stats = wait_for(server_stats, lambda s: s["active_streams"] == 0)
    assert stats["active_streams"] == 0


def test_client_leaving_mid_stream_when_slow_then_server_stops_sending(sim_base_url, server_stats):
    before = server_stats()
    body = {**QUESTION, "stream": True, "sim": {"ttft_ms": 0, "tokens_per_s": 20}}
    with loopback.stream("POST", sim_base_url + "/responses", json=body, headers=KEY) as response:
        for line in response.iter_lines():
            if "output_text.delta" in line:
                break  # leave after the first word
    stats = wait_for(server_stats, lambda s: s["streams_disconnected"] > before["streams_disconnected"])
    assert stats["streams_disconnected"] == before["streams_disconnected"] + 1
    sent = stats["chunks_sent"] - before["chunks_sent"]
    assert sent < 20  # of ~85 events: the rest were never written


def test_trace_when_streamed_then_one_send_time_per_answer_delta(sim_base_url, client):
    trace_id = new_trace_id()
    sim = {"ttft_ms": 0, "tokens_per_s": 200, "trace_id": trace_id}
    stream = client.responses.create(**QUESTION, stream=True, extra_body={"sim": sim})
    deltas = [e.delta for e in stream if e.type == "response.output_text.delta"]
    trace = fetch_server_trace(sim_base_url, trace_id)
    assert trace is not None and trace.complete
    assert list(trace.texts) == deltas
    assert list(trace.sent_ns) == sorted(trace.sent_ns) and trace.sent_ns[-1] > trace.sent_ns[0]
    assert trace.received_ns is not None and trace.received_ns <= trace.sent_ns[0]


def test_trace_when_reasoning_then_summary_deltas_are_kept_apart_from_the_answers(sim_base_url, client):
    trace_id = new_trace_id()
    reply = client.responses.create(
        model="sim-reasoning",
        input="Explain RAG",
        reasoning={"summary": "auto"},
        stream=True,
        extra_body={"sim": {"ttft_ms": 0, "tokens_per_s": 500, "think_ms": 100, "trace_id": trace_id}},
    )
    events = list(reply)
    final = next(e for e in events if e.type == "response.completed").response
    summary = [e.delta for e in events if e.type == "response.reasoning_summary_text.delta"]
    trace = fetch_server_trace(sim_base_url, trace_id)
    assert trace is not None and "".join(trace.texts) == final.output_text  # the answer's layer
    assert list(trace.summary_texts) == summary and len(summary) > 5
    assert list(trace.summary_sent_ns) == sorted(trace.summary_sent_ns)
    assert trace.summary_sent_ns[-1] <= trace.sent_ns[0]  # the thoughts all left before the answer
    assert trace.summary().texts == trace.summary_texts


def test_trace_when_not_streamed_then_whole_text_once(sim_base_url, client):
    trace_id = new_trace_id()
    reply = client.responses.create(**QUESTION, extra_body={"sim": {**FAST, "trace_id": trace_id}})
    trace = fetch_server_trace(sim_base_url, trace_id)
    assert trace is not None and trace.texts == (reply.output_text,) and trace.complete


def test_non_streaming_when_client_leaves_early_then_counted_abandoned(sim_base_url, server_stats):
    before = server_stats()["abandoned"]
    body = {**QUESTION, "sim": {"ttft_ms": 2000, "tokens_per_s": 0}}
    with pytest.raises(httpx.ReadTimeout):
        loopback.post(sim_base_url + "/responses", json=body, headers=KEY, timeout=0.3)
    stats = wait_for(server_stats, lambda s: s["abandoned"] > before)
    assert stats["abandoned"] == before + 1


def test_requests_when_streamed_then_counted_like_chat_streams(sim_base_url, server_stats, client):
    before = server_stats()
    list(client.responses.create(**QUESTION, stream=True, extra_body={"sim": FAST}))
    after = wait_for(server_stats, lambda s: s["streams_completed"] > before["streams_completed"])
    assert after["requests"] - before["requests"] == 1
    assert after["streams_started"] - before["streams_started"] == 1
    assert after["streams_completed"] - before["streams_completed"] == 1
