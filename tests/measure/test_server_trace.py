"""Reading the simulator's send times back: trace ids, the trace, and only the embedded simulator."""

from __future__ import annotations

import time

import pytest

from streamlab.client.providers import ProviderConfig, embedded_config
from streamlab.measure.server_trace import (
    ServerTrace,
    fetch_server_trace,
    new_trace_id,
    simulator_url,
)
from streamlab.sim.options import LatencyProfile
from tests.support.timing import assert_waited

PROFILE = LatencyProfile(ttft_ms=120, tokens_per_s=200, jitter_ms=0, seed=3)
MS = 1_000_000


def test_server_trace_rejects_mismatched_lists():
    with pytest.raises(ValueError, match="2 times but 1 texts"):
        ServerTrace.from_json({"sent_ns": [1, 2], "texts": ["a"]})


def test_server_trace_reads_summary_deltas_when_sent_and_none_from_an_older_trace():
    body = {"sent_ns": [30], "texts": ["Hi"], "summary_sent_ns": [10, 20], "summary_texts": ["a", "b"]}
    trace = ServerTrace.from_json({**body, "received_ns": 5, "end_ns": 40, "complete": True})
    thoughts = trace.summary()
    assert (thoughts.sent_ns, thoughts.texts) == ((10, 20), ("a", "b"))
    assert (thoughts.received_ns, thoughts.end_ns, thoughts.complete) == (5, 40, True)
    assert ServerTrace.from_json({"sent_ns": [1], "texts": ["x"]}).summary().texts == ()
    with pytest.raises(ValueError, match="2 summary times but 1 texts"):
        ServerTrace.from_json({**body, "summary_texts": ["a"]})


def test_trace_ids_are_unique_and_css_safe():
    ids = {new_trace_id() for _ in range(100)}
    assert len(ids) == 100
    assert all(i.isalnum() and len(i) == 16 for i in ids)


def test_only_the_embedded_simulator_has_a_trace_url():
    assert simulator_url(embedded_config("http://127.0.0.1:1")) == "http://127.0.0.1:1/v1"
    assert simulator_url(ProviderConfig("openai", "https://api.openai.com/v1")) is None


def test_traced_stream_records_one_send_time_per_content_chunk(make_llm, sim_base_url):
    trace_id = new_trace_id()
    llm = make_llm(profile=PROFILE, sim={"trace_id": trace_id}, max_tokens=15)
    before = time.time_ns()
    chunks = list(llm.stream("Explain RAG"))
    trace = fetch_server_trace(sim_base_url, trace_id)
    assert trace is not None and trace.complete
    contents = [c.content for c in chunks if c.content]
    assert list(trace.texts) == contents and len(contents) == 15
    assert list(trace.sent_ns) == sorted(trace.sent_ns)
    assert before <= trace.received_ns <= trace.sent_ns[0] <= trace.sent_ns[-1] <= trace.end_ns
    # the first token leaves at the configured TTFT, the rest at 200 tokens/s (5 ms apart)
    assert_waited((trace.sent_ns[0] - trace.received_ns) / MS, PROFILE.ttft_ms)
    assert_waited((trace.sent_ns[-1] - trace.sent_ns[0]) / MS, 14 * 5, early_ms=40)


def test_unknown_trace_or_unreachable_server_gives_none(sim_base_url):
    assert fetch_server_trace(sim_base_url, "nosuchtrace") is None
    assert fetch_server_trace("http://127.0.0.1:9", "x", timeout_s=0.5) is None
