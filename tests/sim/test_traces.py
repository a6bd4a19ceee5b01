"""The simulator's send traces: bounded store, endpoint, streaming and non-streaming requests."""

from __future__ import annotations

import httpx
import pytest

from streamlab.sim.traces import SendTrace, TraceStore
from tests.support import loopback
from tests.support.simclient import AUTH

MESSAGES = [{"role": "user", "content": "Explain RAG"}]


def test_store_keeps_only_the_most_recent_traces():
    store = TraceStore(limit=3)
    for i in range(5):
        store.start(f"t{i}")
    assert len(store) == 3
    assert store.get("t0") is None and store.get("t1") is None
    assert store.get("t4") is not None


def test_restarting_an_id_replaces_the_old_trace():
    store = TraceStore()
    first = store.start("same")
    first.mark_sent(["old"])
    assert store.start("same").texts == []


def test_chunks_written_together_share_one_send_time():
    trace = SendTrace("t")
    trace.mark_sent(["a", "b"], at_ns=10)
    trace.mark_sent([], at_ns=20)  # a write without content (role, finish) is not a token
    trace.mark_sent(["c"], at_ns=30)
    assert trace.to_json()["sent_ns"] == [10, 10, 30]
    assert trace.to_json()["texts"] == ["a", "b", "c"]


def test_summary_deltas_are_stamped_by_the_same_write_in_lists_of_their_own():
    trace = SendTrace("t")
    trace.mark_sent([], at_ns=10, summary=["Thinking", " about"])
    trace.mark_sent(["Hi"], at_ns=20, summary=[" it"])
    body = trace.to_json()
    assert (body["sent_ns"], body["texts"]) == ([20], ["Hi"])  # the answer's layer is unchanged
    assert body["summary_sent_ns"] == [10, 10, 20]
    assert body["summary_texts"] == ["Thinking", " about", " it"]


def post(base: str, **body) -> httpx.Response:
    payload = {"model": "sim-fast", "messages": MESSAGES, **body}
    return loopback.post(f"{base}/chat/completions", json=payload, headers=AUTH, timeout=10)


def test_streamed_request_with_trace_id_is_served_at_the_trace_endpoint(sim_base_url):
    sim = {"ttft_ms": 0, "tokens_per_s": 0, "trace_id": "stream-1", "text": "one two three"}
    assert post(sim_base_url, stream=True, sim=sim).status_code == 200
    trace = loopback.get(f"{sim_base_url}/sim/traces/stream-1").json()
    assert trace["texts"] == ["one", " two", " three"]
    assert len(trace["sent_ns"]) == 3 and trace["complete"] is True


def test_non_streamed_request_is_one_send_of_the_whole_answer(sim_base_url):
    sim = {"ttft_ms": 0, "tokens_per_s": 0, "trace_id": "whole-1", "text": "one two three"}
    assert post(sim_base_url, sim=sim).json()["choices"][0]["message"]["content"] == "one two three"
    trace = loopback.get(f"{sim_base_url}/sim/traces/whole-1").json()
    assert trace["texts"] == ["one two three"] and len(trace["sent_ns"]) == 1


def test_requests_without_trace_id_are_not_traced_and_unknown_ids_are_404(sim_base_url):
    response = loopback.get(f"{sim_base_url}/sim/traces/never-sent")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "trace_not_found"


@pytest.mark.parametrize("bad", ["", "has space", "x" * 65, "../etc"])
def test_trace_ids_must_be_short_and_plain(sim_base_url, bad):
    response = post(sim_base_url, stream=True, sim={"trace_id": bad})
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "sim.trace_id"
