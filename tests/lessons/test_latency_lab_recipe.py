"""The latency lab's recipes against the installed langchain + the embedded simulator over HTTP."""

from __future__ import annotations

import asyncio
import threading

from langchain_core.messages import AIMessageChunk

from streamlab.measure.recorder import StreamRecorder
from streamlab.recipes.latency_lab import (
    atime_invoke,
    atime_stream,
    build_llm_only,
    build_parallel,
    build_seed_sequence,
    build_with_blocking_step,
    time_invoke,
    time_stream,
)
from streamlab.sim.answers import LatencyProfile

TEXT = "Streaming shows the first words early while the answer is still being generated."


def test_seed_sequence_streams_many_chunks(chat_model):
    chunks = list(build_seed_sequence(chat_model).stream("Runnable streaming"))
    assert len([c for c in chunks if c.content]) > 10
    assert all(isinstance(c, AIMessageChunk) for c in chunks)


def test_blocking_step_after_the_model_collapses_the_stream_to_one_chunk(chat_model):
    chunks = list(build_with_blocking_step(chat_model).stream("Runnable streaming"))
    assert len(chunks) == 1
    assert chunks[0].usage_metadata["output_tokens"] > 10  # the whole answer, usage included


def test_parallel_yields_one_key_chunks_per_branch_and_short_is_capped(make_llm):
    llm = make_llm(model="sim-detailed")
    chunks = list(build_parallel(llm).stream("Explain RAG"))
    assert all(len(c) == 1 for c in chunks)
    usage = {key: 0 for key in ("short", "detailed")}
    for chunk in chunks:
        [(key, message)] = chunk.items()
        usage[key] += (message.usage_metadata or {}).get("output_tokens", 0)
    assert usage["short"] == 20 and usage["detailed"] > 20


def test_time_invoke_records_one_chunk_whose_arrival_is_both_ttft_and_total(chat_model):
    rec = StreamRecorder("invoke")
    time_invoke(build_llm_only(chat_model), "hi", rec, threading.Event())
    summary = rec.summary()
    assert summary["chunks"] == 1 and summary["ttft_ms"] == summary["total_ms"]


def test_time_stream_stops_at_the_next_chunk_when_asked(make_llm):
    llm = make_llm(profile=LatencyProfile(ttft_ms=0, tokens_per_s=50))  # ~1 s for the whole answer
    stop, rec = threading.Event(), StreamRecorder("stream")
    threading.Timer(0.2, stop.set).start()
    time_stream(build_llm_only(llm), "Explain streaming", rec, stop)
    summary = rec.summary()
    assert not rec.complete  # recorded as stopped, not as a finished stream
    assert 2 <= summary["chunks"] < 30 and summary["total_ms"] < 600


def test_async_timers_measure_like_the_sync_ones(chat_model):
    async def both() -> tuple[StreamRecorder, StreamRecorder]:
        streamed, invoked = StreamRecorder("s"), StreamRecorder("i")
        await atime_stream(build_llm_only(chat_model), "hi", streamed, threading.Event())
        await atime_invoke(build_llm_only(chat_model), "hi", invoked, threading.Event())
        return streamed, invoked

    streamed, invoked = asyncio.run(both())
    assert streamed.complete and streamed.summary()["content_chunks"] > 5
    assert invoked.complete and invoked.summary()["chunks"] == 1


def test_streaming_brings_first_text_forward_but_not_the_end(make_llm):
    llm = make_llm(profile=LatencyProfile(ttft_ms=100, tokens_per_s=50), sim={"text": TEXT})
    chain = build_llm_only(llm)
    chain.invoke("warm-up")  # open the connection first, as the lab's warm-up runs do
    streamed, invoked = StreamRecorder("s"), StreamRecorder("i")
    time_stream(chain, "x", streamed, threading.Event())
    time_invoke(chain, "x", invoked, threading.Event())
    s, i = streamed.summary(), invoked.summary()
    assert i["ttft_ms"] > 2 * s["ttft_ms"]  # first text far sooner when streaming…
    assert abs(s["total_ms"] - i["total_ms"]) < 0.3 * i["total_ms"]  # …but done at about the same time
