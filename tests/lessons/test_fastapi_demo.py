"""The chat app over real HTTP (uvicorn in a thread), the simulator behind it.

Each test pins one claim the FastAPI lesson makes about the installed starlette / uvicorn /
sse-starlette, so an upgrade that changes the behaviour turns a test red.
"""

from __future__ import annotations

import httpx
import pytest
from httpx_sse import connect_sse
from langchain_core.language_models import FakeListChatModel

from streamlab.client.providers import embedded_config
from streamlab.demos.fastapi.server import create_chat_app, main, start_chat_server
from streamlab.measure import wire
from streamlab.sim.answers import LatencyProfile

INSTANT = LatencyProfile(ttft_ms=0, tokens_per_s=0, jitter_ms=0, seed=7)
PACED = {"q": "Explain RAG", "tokens_per_s": 100}  # ~75 chunks in ~0.75 s
Q = {"q": "Explain RAG"}


@pytest.fixture(scope="module")
def chat(sim_server):
    server = start_chat_server(embedded_config(sim_server.base_url, profile=INSTANT))
    httpx.get(server.base_url + "/chat/full", params=Q, timeout=30)  # warm up lazy imports
    yield server
    server.stop()


def _run(chat, rec: wire.WireRecording) -> dict:
    run = wire.fetch_run(chat.base_url, rec.run_id)
    assert run is not None
    return run


# --- the seed's route ----------------------------------------------------------------------------


def test_seed_route_sends_first_bytes_before_the_chain_produced_its_last_chunk(chat):
    rec = wire.record(chat.base_url + "/chat", params=PACED)
    run = _run(chat, rec)
    assert rec.status == 200 and rec.headers["content-type"].startswith("text/plain")
    assert rec.error is None and run["outcome"] == "completed"
    first_read_ns = next(c.t_ns for c in rec.chunks if c.text.strip())
    stream_ns = run["chunk_ns"][-1] - run["chunk_ns"][0]
    assert run["chunk_ns"][-1] - first_read_ns > 0.5 * stream_ns  # text arrived long before the end
    assert len(rec.chunks) > 50  # one HTTP chunk per yielded token...
    assert len(rec.chunks) < run["chunks"]  # ...but empty strings (role, finish) send nothing
    assert "Retrieval-Augmented Generation" in rec.text


def test_seed_sync_generator_runs_in_a_worker_thread_async_on_the_event_loop(chat):
    seed = _run(chat, wire.record(chat.base_url + "/chat", params=Q))
    fixed = _run(chat, wire.record(chat.base_url + "/chat/async", params=Q))
    assert seed["threads"] == ["AnyIO worker thread"]
    assert fixed["threads"] == [f"uvicorn-{chat.running.port}"]
    assert wire.server_stats(chat.base_url)["threadpool_limit"] == 40


def test_blocking_async_generator_starves_the_event_loop_threadpool_does_not(chat):
    seed = wire.ping_while_streaming(chat.base_url, "/chat", PACED)
    blocking = wire.ping_while_streaming(chat.base_url, "/chat/blocking", PACED)
    assert seed.recording.text == blocking.recording.text
    assert blocking.worst_ms > 0.6 * blocking.recording.end_ms  # a ping waited for the whole answer
    assert seed.median_ms < 0.2 * seed.recording.end_ms
    assert len(seed.pings_ms) > 3 * len(blocking.pings_ms)


def test_full_endpoint_sends_one_body_after_the_chain_finished(chat):
    rec = wire.record(chat.base_url + "/chat/full", params=PACED)
    run = _run(chat, rec)
    assert run["chunks"] == 1  # invoke(): the model's whole answer passes the probe once
    assert rec.first_text_ms >= (run["chunk_ns"][-1] - rec.start_ns) / 1e6
    assert "Retrieval-Augmented Generation" in rec.text


# --- SSE -----------------------------------------------------------------------------------------


def test_sse_parses_with_httpx_sse_into_token_events_then_end(chat):
    with (
        httpx.Client(timeout=30) as client,
        connect_sse(client, "GET", chat.base_url + "/chat/sse", params=Q) as source,
    ):
        headers = source.response.headers
        events = [(event.event, event.json()) for event in source.iter_sse()]
    assert headers["content-type"].startswith("text/event-stream")
    assert headers["x-accel-buffering"] == "no" and headers["cache-control"] == "no-store"
    assert events[-1] == ("end", "done")
    assert {name for name, _ in events[:-1]} == {"token"}
    full = httpx.get(chat.base_url + "/chat/full", params=Q, timeout=30).text
    assert "".join(text for _, text in events[:-1]) == full


# --- errors mid-stream ---------------------------------------------------------------------------


def test_model_error_mid_stream_becomes_an_sse_error_event(chat):
    params = {**Q, "fault": "drop_after:5"}
    with (
        httpx.Client(timeout=30) as client,
        connect_sse(client, "GET", chat.base_url + "/chat/sse", params=params) as source,
    ):
        events = [(event.event, event.json()) for event in source.iter_sse()]
    names = [name for name, _ in events]
    assert names[-1] == "error" and "end" not in names
    assert 1 <= names.count("token") <= 5
    assert "Connection error" in events[-1][1]


def test_model_error_mid_stream_async_text_ends_with_an_error_line(chat):
    rec = wire.record(chat.base_url + "/chat/async", params={**Q, "fault": "drop_after:5"})
    assert rec.error is None  # the HTTP body itself completed
    assert rec.text.rstrip().splitlines()[-1].startswith("[error] ")
    assert _run(chat, rec)["outcome"] == "error"


def test_model_error_mid_stream_cuts_the_seed_body_off(chat):
    rec = wire.record(chat.base_url + "/chat", params={**Q, "fault": "drop_after:5"})
    assert rec.status == 200
    assert rec.error is not None and "incomplete chunked read" in rec.error
    assert rec.text and "[error]" not in rec.text


def test_fault_parameter_is_validated(chat):
    bad = httpx.get(chat.base_url + "/chat", params={**Q, "fault": "explode"}, timeout=10)
    assert bad.status_code == 422
    assert httpx.get(chat.base_url + "/chat", params={**Q, "cfg": "nope"}, timeout=10).status_code == 404


# --- client disconnect ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/chat/async", "/chat/sse"])
def test_disconnect_cancels_async_generators_and_the_upstream_stream(chat, sim_server, path):
    report = wire.disconnect_demo(
        chat.base_url,
        path,
        {**Q, "tokens_per_s": 50},
        after_chunks=5,
        settle_s=0.5,
        sim_url=sim_server.base_url,
    )
    assert report.recording.disconnected and report.received_chunks == 5
    # Cancelled at its pending await, or aclose()d by sse-starlette after a failed send: both prompt.
    assert report.outcome_after in {"cancelled", "closed"}
    assert report.ended_after_ms is not None and report.ended_after_ms < 250
    assert report.chain_chunks_after == report.chain_chunks_at_disconnect  # nothing produced after
    assert report.sim_disconnected == 1
    assert report.sim_chunks_after <= 2  # at most what was already in flight


def test_disconnect_leaves_the_seed_generator_running_until_garbage_collection(chat, sim_server):
    report = wire.disconnect_demo(
        chat.base_url,
        "/chat",
        {**Q, "tokens_per_s": 50},
        after_chunks=5,
        settle_s=0.5,
        sim_url=sim_server.base_url,
    )
    assert report.outcome_after == "running"  # not closed, not cancelled: abandoned
    # The worker thread finishes the next() it was blocked in, then nobody pulls again...
    assert report.chain_chunks_after - report.chain_chunks_at_disconnect <= 1
    # ...while the model server keeps generating into the open connection.
    assert report.sim_chunks_after > 10
    assert report.sim_disconnected == 0
    assert report.outcome_after_gc == "closed"  # only the garbage collector closes it


# --- what sits in front of the app ---------------------------------------------------------------


def test_gzip_middleware_compresses_each_chunk_without_buffering_the_stream(chat):
    plain = wire.record(chat.base_url + "/chat", params=PACED)
    gz = wire.record(chat.base_url + "/gzip/chat", params=PACED)
    run = _run(chat, gz)
    assert gz.headers["content-encoding"] == "gzip"
    assert gz.text == plain.text
    first_text_ns = next(c.t_ns for c in gz.chunks if c.text.strip())
    assert run["chunk_ns"][-1] - first_text_ns > 0.5 * (run["chunk_ns"][-1] - run["chunk_ns"][0])
    assert len(gz.chunks) > 50
    assert gz.wire_bytes > gz.body_bytes  # per-chunk flushes cost more than they save


def test_gzip_middleware_skips_event_streams(chat):
    rec = wire.record(chat.base_url + "/gzip/chat/sse", params=Q)
    assert "content-encoding" not in rec.headers
    assert rec.wire_bytes == rec.body_bytes


def test_gzip_option_wraps_the_whole_app(sim_server):
    server = start_chat_server(
        embedded_config(sim_server.base_url, profile=INSTANT), gzip=True, lab_mounts=False
    )
    try:
        rec = wire.record(server.base_url + "/chat", params=Q)
        assert rec.headers["content-encoding"] == "gzip" and "Retrieval" in rec.text
        assert httpx.get(server.base_url + "/gzip/chat", params=Q).status_code == 404
    finally:
        server.stop()


def test_gzip_middleware_holds_the_headers_until_the_first_body_chunk(sim_server):
    def slow_model(config, sim):
        return FakeListChatModel(responses=["ok"], sleep=0.3)

    server = start_chat_server(embedded_config(sim_server.base_url), model_factory=slow_model)
    try:
        plain = wire.record(server.base_url + "/chat", params=Q)
        gz = wire.record(server.base_url + "/gzip/chat", params=Q)
    finally:
        server.stop()
    assert plain.text == gz.text == "ok"
    assert plain.headers_ms < 200  # StreamingResponse sends the headers at once
    assert gz.headers_ms >= 280  # GZipMiddleware waits for a body chunk to decide on encoding


def test_buffering_proxy_holds_the_seed_stream_but_not_x_accel_buffering_no(chat):
    seed = wire.record(chat.base_url + "/proxy/chat", params=PACED)
    fixed = wire.record(chat.base_url + "/proxy/chat/async", params=PACED)
    sse = wire.record(chat.base_url + "/proxy/chat/sse", params=PACED)
    assert "x-accel-buffering" not in seed.headers
    assert len(seed.chunks) == 1 and seed.first_text_ms > 0.9 * seed.end_ms
    assert fixed.headers["x-accel-buffering"] == "no" and len(fixed.chunks) > 50
    assert fixed.first_text_ms < 0.5 * fixed.end_ms
    assert len(sse.chunks) > 50
    assert seed.text == fixed.text


# --- the rest of the app -------------------------------------------------------------------------


def test_browser_client_is_served_and_renders_text_safely(chat):
    page = httpx.get(chat.base_url + "/", timeout=10)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "getReader()" in html and "new EventSource(" in html and "AbortController" in html
    assert "textContent" in html and "innerHTML" not in html


def test_registered_configs_are_picked_by_token_and_reused(chat, sim_server):
    config = embedded_config(sim_server.base_url, profile=INSTANT, model="sim-detailed")
    token = chat.register(config)
    assert chat.register(config) == token and len(token) >= 12
    short = httpx.get(chat.base_url + "/chat/full", params=Q, timeout=30).text
    long = httpx.get(chat.base_url + "/chat/full", params={**Q, "cfg": token}, timeout=30).text
    assert len(long) > len(short)


def test_create_chat_app_needs_a_model_source():
    with pytest.raises(ValueError):
        create_chat_app()


def test_main_refuses_non_loopback_hosts():
    with pytest.raises(SystemExit, match="Refusing to bind"):
        main(["--host", "0.0.0.0"])


def test_time_to_first_text_is_close_to_the_chains_over_loopback(chat):
    rec = wire.record(chat.base_url + "/chat/async", params={**Q, "ttft_ms": 100})
    run = _run(chat, rec)
    chain_first_text_ms = wire.chain_frame(run, rec.start_ns).query("chars > 0")["t_ms"].iloc[0]
    assert rec.first_text_ms >= chain_first_text_ms
    assert rec.first_text_ms - chain_first_text_ms < 100  # HTTP on loopback adds little
