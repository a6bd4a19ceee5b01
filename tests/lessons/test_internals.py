"""Lesson "How streaming works internally": SSE lines vs AIMessageChunks of one run and what `+`
does (recipes and demo, against the embedded simulator), then the page under AppTest (one page run
per scenario): the SSE tap's row matches "sent by server", and the run survives reruns.

AppTest runs no JavaScript, so "shown in browser" stays empty here; the browser test
(tests/e2e/test_lessons_browser.py) covers it in chromium.
"""

from __future__ import annotations

import pandas as pd
import pytest
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.prompts import ChatPromptTemplate
from langchain_openai import ChatOpenAI

from components.views.internals import WIRE
from streamlab.client.providers import build_chat_model, embedded_config
from streamlab.demos import internals as ci
from streamlab.measure.layers import BROWSER, LANGCHAIN, SERVER
from streamlab.measure.recorder import StreamRecorder
from streamlab.measure.sse_capture import SSETap, classify_sse_line
from streamlab.recipes import internals as r
from tests.support.apptest import FAST_PROFILE, open_page, texts
from tests.support.factories import INSTANT

PAGE = "lessons/03_internals.py"
FIRST = "first token (ms)"
ANSWER = "Chunks travel as SSE lines."
TEXT = "Chunks are not tokens."  # 5 tokens for the simulator: Chunks/ are/ not/ tokens/ .


# --- recipes, the SSE tap and the inspection tables ---------------------------------------------


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
        'usage={"prompt_tokens":1,"completion_tokens":5,"total_tokens":6,'
        '"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},'
        '"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,'
        '"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}',
        "[DONE]",
    ]


# --- the page --------------------------------------------------------------------------------------


def _run(max_tokens: int = 12, **profile):
    at = open_page(PAGE, profile={**FAST_PROFILE, **profile})
    at.slider(key="int_max_tokens").set_value(max_tokens)
    at.button(key="int_run").click().run()
    assert not at.exception, at.exception
    return at


def _table(at, column: str) -> pd.DataFrame:
    """The first table on the page that has `column` (AppTest does not expose dataframe keys)."""
    tables = [*at.dataframe, *at.table]  # interactive tables, then the evidence tables
    return next(t.value for t in tables if column in t.value.columns)


def _layers(at) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the three-layer table, the SSE tap's one-row table)."""
    found = {t.value.index[0]: t.value for t in at.table if FIRST in t.value.columns}
    return found[SERVER], found[WIRE]


def test_when_run_then_chunks_sse_lines_merges_and_layers_show_one_request():
    at = _run(12)
    # Every chunk: role, content, finish, usage, last.
    chunks = _table(at, "chunk_position")
    assert list(chunks["kind"]) == ["role", *["content"] * 12, "finish", "usage", "last"]
    assert chunks.iloc[0]["content"] == "''"
    assert '"finish_reason": "length"' in chunks.iloc[13]["response_metadata"]  # cut by max_tokens
    assert '"output_tokens": 12' in chunks.iloc[14]["usage_metadata"]
    assert chunks.iloc[-1]["chunk_position"] == "last"
    assert chunks.iloc[-1]["running sum output_tokens"] == 12
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Chunks"], metrics["Content chunks"], metrics["Output tokens"]) == ("16", "12", "12")
    assert "internals" in at.session_state["lessons_run"]
    # The raw SSE lines of the same request end with [DONE] and match the content chunks.
    sse = _table(at, "line")
    assert list(sse["line"])[-1] == "data: [DONE]"
    assert (sse["kind"] == "content").sum() == (chunks["kind"] == "content").sum() == 12
    assert '"role":"assistant"' in sse.iloc[0]["line"]
    page = texts(at)
    assert "lc_run--" in page and "chatcmpl-" in page  # chunk id vs provider id
    # Merging chunks works; mixing a message and a chunk does not.
    assert "`AIMessageChunk + AIMessageChunk` → **AIMessageChunk**" in at.success[0].value
    assert "output_tokens': 12" in at.success[0].value  # content chunk + usage chunk
    outcomes = " ".join(w.value for w in at.warning)
    assert "`AIMessage + AIMessageChunk` → **ChatPromptTemplate**" in outcomes
    assert "`AIMessageChunk + AIMessage` → **TypeError**" in at.error[0].value
    assert "return left + right" in page
    # The server layer equals what the SSE tap saw on the wire.
    layers, wire = _layers(at)
    assert list(layers.index) == [SERVER, LANGCHAIN, BROWSER]
    assert layers.loc[SERVER, "updates"] == layers.loc[LANGCHAIN, "updates"] == wire.loc[WIRE, "updates"]
    assert wire.loc[WIRE, "updates"] == 12  # max_tokens
    assert layers.loc[SERVER, "chars"] == layers.loc[LANGCHAIN, "chars"] == wire.loc[WIRE, "chars"] > 12
    sent, seen, received = layers.loc[SERVER, FIRST], wire.loc[WIRE, FIRST], layers.loc[LANGCHAIN, FIRST]
    assert sent <= seen <= received, (sent, seen, received)
    assert pd.isna(layers.loc[BROWSER, FIRST])
    assert "needs a real browser tab" in page
    assert "the same pieces." in page and "is what crossed the wire" in page
    # The wire row sits right above the layer table, the chunk tables under it.
    charts = [chart.key for chart in at.get("plotly_chart")]
    assert charts == ["int_layers_chart", "int_arrival"]


def test_claim_without_stream_usage_a_custom_base_url_streams_no_usage(make_llm):
    llm = make_llm(sim={"text": TEXT})  # built with stream_usage=True, as everywhere in the lab
    with_usage = list(r.running_sums(r.stream_chunks(llm, "q")))[-1]
    without = list(r.stream_without_usage(llm, "q"))
    assert with_usage.usage_metadata is not None and with_usage.usage_metadata["output_tokens"] == 5
    assert list(r.running_sums(without))[-1].usage_metadata is None
    assert all(chunk.usage_metadata is None for chunk in without)
    plain = ChatOpenAI(model="sim-fast", base_url=llm.openai_api_base, api_key="x")
    assert plain.stream_usage is None  # ChatOpenAI(base_url=...) leaves it off by default


def test_when_run_then_the_page_compares_usage_with_and_without_stream_usage():
    at = _run(12)
    usage = _table(at, "usage_metadata of the sum").set_index("stream_usage")
    with_it, without = usage.loc["True (this lab)"], usage.iloc[1]
    assert with_it["chunks"] == without["chunks"] + 1 == 16  # the usage chunk is the difference
    assert "'output_tokens': 12" in with_it["usage_metadata of the sum"]
    assert without["usage_metadata of the sum"] == "None"
    assert "def stream_without_usage" in texts(at)


def test_when_rerun_then_the_answer_metrics_tables_and_layers_are_redrawn():
    at = _run(60, sim_text=ANSWER)
    at.run()  # e.g. the browser's report
    assert not at.exception
    assert ANSWER in [m.value for m in at.markdown]
    layers, wire = _layers(at)
    assert layers.loc[LANGCHAIN, "chars"] == wire.loc[WIRE, "chars"] == len(ANSWER)
    content_chunks = int({m.label: m.value for m in at.metric}["Content chunks"])
    assert content_chunks == layers.loc[LANGCHAIN, "updates"] == wire.loc[WIRE, "updates"] > 1
    assert len(_table(at, "chunk_position")) == content_chunks + 4  # role, finish, usage, last


def test_when_other_provider_then_no_server_layer_but_still_a_wire_row(sim_base_url):
    at = _run(12, provider_kind="compatible", compat_url=sim_base_url, compat_model="sim-fast")
    layers, wire = _layers(at)
    assert pd.isna(layers.loc[SERVER, FIRST])
    assert wire.loc[WIRE, "updates"] == layers.loc[LANGCHAIN, "updates"] == 12
    assert "nothing to compare it with here" in texts(at)


def test_when_question_empty_then_refused_and_nothing_runs():
    at = open_page(PAGE)
    at.text_input(key="int_question").set_value(" ")
    at.button(key="int_run").click().run()
    assert not at.exception
    assert "prompt is empty" in at.error[0].value
    assert not at.metric and not at.table and not at.dataframe
    assert "lessons_run" not in at.session_state  # not counted as run


def test_when_answer_is_html_then_the_tables_show_it_as_text():
    at = _run(12, sim_text="<b>bold</b>")
    sse = _table(at, "line")
    assert "".join(_table(at, "chunk_position")["content"]).count("<") == 2  # repr'd, plain cells
    assert any('"content":"<' in line for line in sse["line"])
