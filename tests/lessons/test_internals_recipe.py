"""The internals lesson: SSE lines vs AIMessageChunks of one run, and what `+` does."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.prompts import ChatPromptTemplate
from langchain_openai import ChatOpenAI

from streamlab.client.providers import build_chat_model, embedded_config
from streamlab.demos import internals as ci
from streamlab.measure.recorder import StreamRecorder
from streamlab.measure.sse_capture import SSETap, classify_sse_line
from streamlab.recipes import internals as r
from tests.support.factories import INSTANT

TEXT = "Chunks are not tokens."  # 5 tokens for the simulator: Chunks/ are/ not/ tokens/ .


@pytest.fixture
def tapped_run(sim_base_url):
    """One streamed run through the tap: (chunks, tap, recorder)."""
    tap, recorder, chunks = SSETap(), StreamRecorder(), []
    config = embedded_config(sim_base_url, profile=INSTANT)
    # What build_tapped_llm does, plus a fixed answer text so the counts below are exact.
    llm = build_chat_model(config, sim={"text": TEXT}, http_client=tap.client(), stream_usage=True)
    list(ci.keep(recorder.wrap(lambda: r.stream_chunks(llm, "x")), chunks))
    return chunks, tap, recorder


def test_stream_shape_role_content_finish_usage_last(tapped_run):
    chunks, _, _ = tapped_run
    kinds = [ci.classify_chunk(c, i) for i, c in enumerate(chunks)]
    assert kinds == ["role", *["content"] * 5, "finish", "usage", "last"]
    assert chunks[0].content == "" and chunks[0].response_metadata == {"model_provider": "openai"}
    assert chunks[6].content == "" and chunks[6].response_metadata["finish_reason"] == "stop"
    assert chunks[7].content == "" and chunks[7].usage_metadata["output_tokens"] == 5
    assert chunks[8].content == "" and chunks[8].chunk_position == "last"
    assert len(chunks) == 9 != chunks[7].usage_metadata["output_tokens"]  # chunk count ≠ token count


def test_raw_sse_lines_are_from_the_same_run_and_match_the_chunks(tapped_run):
    chunks, tap, _ = tapped_run
    data = tap.data_lines()
    assert data[-1].text == "data: [DONE]"
    content_lines = [line for line in data if classify_sse_line(line.text) == "content"]
    assert len(content_lines) == sum(1 for c in chunks if c.content) == 5
    assert [classify_sse_line(line.text) for line in data] == [
        "role",
        *["content"] * 5,
        "finish",
        "usage",
        "done",
    ]
    assert '"delta":{"role":"assistant","content":""}' in data[0].text
    assert all(line.text == "" for line in tap.lines if not line.text.startswith("data:"))  # separators


def test_tap_costs_no_second_request(sim_base_url, server_stats):
    before = server_stats()["requests"]
    tap = SSETap()
    llm = r.build_tapped_llm(embedded_config(sim_base_url, profile=INSTANT), tap, max_tokens=3)
    chunks = list(r.stream_chunks(llm, "Explain streaming"))
    assert server_stats()["requests"] - before == 1
    assert sum(1 for c in chunks if c.content) == 3
    assert chunks[-3].response_metadata["finish_reason"] == "length"  # cut by max_tokens


def test_kind_counts_show_done_without_chunk_and_last_without_line(tapped_run):
    chunks, tap, recorder = tapped_run
    sums = list(r.running_sums(chunks))
    result = ci.inspect_run(chunks, sums, recorder, tap)
    counts = result.counts.set_index("kind")[["SSE lines", "chunks"]].to_dict("index")
    assert counts == {
        "role": {"SSE lines": 1, "chunks": 1},
        "content": {"SSE lines": 5, "chunks": 5},
        "finish": {"SSE lines": 1, "chunks": 1},
        "usage": {"SSE lines": 1, "chunks": 1},
        "done": {"SSE lines": 1, "chunks": 0},
        "last": {"SSE lines": 0, "chunks": 1},
    }
    assert result.chunk_id.startswith("lc_run--") and result.sse_id.startswith("chatcmpl-")
    assert {c.id for c in chunks} == {result.chunk_id}  # every chunk carries LangChain's run id
    assert list(result.chunk_rows["running sum .content"])[-1] == TEXT
    assert list(result.chunk_rows["running sum output_tokens"])[-1] == 5
    assert set(result.arrival["run"]) == {"stream", "SSE lines (wire)"}


def test_running_sum_merges_content_metadata_and_usage(tapped_run):
    chunks, _, _ = tapped_run
    sums = list(r.running_sums(chunks))
    assert [s.text for s in sums[:3]] == ["", "Chunks", "Chunks are"]
    total = sums[-1]
    assert isinstance(total, AIMessageChunk) and total.text == TEXT
    assert total.response_metadata["finish_reason"] == "stop"
    assert total.usage_metadata["output_tokens"] == 5 and total.chunk_position == "last"


def test_chunk_plus_chunk_adds_usage():
    usage = {"input_tokens": 1, "output_tokens": 2, "total_tokens": 3}
    merged = r.add_chunks(
        AIMessageChunk(content="a", usage_metadata=usage),
        AIMessageChunk(content="b", usage_metadata=usage),
    )
    assert merged.content == "ab"
    assert merged.usage_metadata == {"input_tokens": 2, "output_tokens": 4, "total_tokens": 6}


def test_message_plus_chunk_silently_builds_a_prompt_template_not_a_message():
    result = r.add_chunk_to_message(AIMessage(content="whole"), AIMessageChunk(content="part"))
    assert isinstance(result, ChatPromptTemplate)
    assert [type(m).__name__ for m in result.messages] == ["AIMessage", "AIMessageChunk"]
    outcome = ci.try_add(r.add_chunk_to_message, AIMessage(content="w"), AIMessageChunk(content="p"))
    assert outcome.ok and not outcome.merged and outcome.result_type == "ChatPromptTemplate"


def test_chunk_plus_message_raises_type_error():
    with pytest.raises(TypeError, match="unsupported operand"):
        r.add_message_to_chunk(AIMessageChunk(content="part"), AIMessage(content="whole"))
    outcome = ci.try_add(r.add_message_to_chunk, AIMessageChunk(content="p"), AIMessage(content="w"))
    assert (outcome.ok, outcome.result_type) == (False, "TypeError")


def test_usage_is_not_streamed_by_default_for_a_custom_base_url(sim_base_url):
    tap = SSETap()
    llm = ChatOpenAI(
        model="sim-fast",
        base_url=sim_base_url,
        api_key="sk-x",
        http_client=tap.client(),
        extra_body={"sim": {"ttft_ms": 0, "tokens_per_s": 0, "text": TEXT}},
    )
    chunks = list(llm.stream("x"))
    assert not any(c.usage_metadata for c in chunks)
    assert "usage" not in {classify_sse_line(line.text) for line in tap.lines}
    assert len(chunks) == 8  # role + 5 + finish + last


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ('data: {"choices":[{"delta":{"role":"assistant","content":""},"finish_reason":null}]}', "role"),
        ('data: {"choices":[{"delta":{"content":"Hi"},"finish_reason":null}]}', "content"),
        ('data: {"choices":[{"delta":{},"finish_reason":"stop"}]}', "finish"),
        ('data: {"choices":[],"usage":{"completion_tokens":2}}', "usage"),
        ("data: [DONE]", "done"),
        ("", "other"),
        (": keep-alive comment", "other"),
    ],
)
def test_classify_sse_line(line, kind):
    assert classify_sse_line(line) == kind


def test_tap_joins_lines_split_across_network_reads():
    tap = SSETap(clock=iter(range(10)).__next__)
    tap.feed(b'data: {"a"')
    tap.feed(b": 1}\n\ndata: [DO")
    tap.feed(b"NE]\n\n")
    assert [(line.t_ns, line.text) for line in tap.lines] == [
        (1, 'data: {"a": 1}'),
        (1, ""),
        (2, "data: [DONE]"),
        (2, ""),
    ]


def test_sse_table_pulls_out_what_each_line_carries(tapped_run):
    _, tap, recorder = tapped_run
    table = ci.sse_table(tap.lines, recorder.start_ns)
    assert list(table["carries"]) == [
        'delta={"role":"assistant","content":""}',
        'delta={"content":"Chunks"}',
        'delta={"content":" are"}',
        'delta={"content":" not"}',
        'delta={"content":" tokens"}',
        'delta={"content":"."}',
        "delta={} finish_reason='stop'",
        'usage={"prompt_tokens":1,"completion_tokens":5,"total_tokens":6}',
        "[DONE]",
    ]
