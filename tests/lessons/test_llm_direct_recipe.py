"""The `streaming=` truth table, measured against the real ChatOpenAI and the embedded simulator."""

from __future__ import annotations

import asyncio

import pytest

from components.figures.flags import flag_chart_figure
from streamlab.demos.llm_direct import FLAGS, METHODS, measure_flags, to_flag_table
from streamlab.recipes.llm_direct import (
    astream_counting,
    invoke_counting,
    stream_counting,
)

ANSWER = "one two three four five"  # 5 tokens → role + 5 + finish + usage + last = 9 chunks
QUESTION = "Explain streaming"


@pytest.fixture(scope="module")
def table(sim_base_url):
    from streamlab.client.providers import build_chat_model, embedded_config
    from tests.support.factories import INSTANT

    config = embedded_config(sim_base_url, profile=INSTANT)
    rows = measure_flags(lambda kw: build_chat_model(config, sim={"text": ANSWER}, **kw), QUESTION)
    return {(row.flag, row.method): row for row in rows}


def test_truth_table_has_every_flag_and_method(table):
    assert set(table) == {(flag, method) for flag in FLAGS for method in METHODS}


def test_when_flag_unset_then_stream_still_streams(table):
    row = table["unset", "stream()"]
    assert row.chunks == 9 and row.content_chunks == 5
    assert row.callback_tokens == 9  # on_llm_new_token fires for every chunk, empty ones too
    assert row.meaning == "streams: 5 chunks with text"


def test_when_flag_false_then_stream_yields_one_chunk(table):
    for method in ("stream()", "astream()"):
        row = table["streaming=False", method]
        assert (row.chunks, row.content_chunks, row.callback_tokens) == (1, 1, 0)
        assert row.meaning == "does not stream: the whole answer in one chunk"


def test_when_flag_true_then_invoke_streams_under_the_hood(table):
    row = table["streaming=True", "invoke()"]
    assert row.chunks == 1 and row.callback_tokens == 9
    assert row.meaning.startswith("one message, but the request streamed")


@pytest.mark.parametrize("flag", ["unset", "streaming=False"])
def test_when_flag_not_true_then_invoke_fires_no_token_callbacks(table, flag):
    assert table[flag, "invoke()"].callback_tokens == 0


@pytest.mark.parametrize("flag", list(FLAGS))
def test_astream_behaves_like_stream(table, flag):
    sync, async_ = table[flag, "stream()"], table[flag, "astream()"]
    assert (sync.chunks, sync.content_chunks, sync.callback_tokens) == (
        async_.chunks, async_.content_chunks, async_.callback_tokens,
    )  # fmt: skip


def test_flag_true_streams_exactly_like_unset(table):
    for method in ("stream()", "astream()"):
        unset, true = table["unset", method], table["streaming=True", method]
        assert (unset.chunks, unset.content_chunks, unset.callback_tokens) == (
            true.chunks, true.content_chunks, true.callback_tokens,
        )  # fmt: skip


def test_counting_recipes_return_chunks_and_callback_count(make_llm):
    llm = make_llm(sim={"text": ANSWER})
    chunks, tokens = stream_counting(llm, QUESTION)
    assert "".join(c.text for c in chunks) == ANSWER and tokens == len(chunks) == 9
    chunks, tokens = asyncio.run(astream_counting(llm, QUESTION))
    assert "".join(c.text for c in chunks) == ANSWER and tokens == 9
    messages, tokens = invoke_counting(llm, QUESTION)
    assert messages[0].text == ANSWER and tokens == 0
    _, tokens = invoke_counting(make_llm(sim={"text": ANSWER}, streaming=True), QUESTION)
    assert tokens == 9


def test_flag_table_frame_and_chart(table):
    frame = to_flag_table(table.values())
    assert list(frame.columns) == [
        "streaming=", "method", "chunks", "with text", "on_llm_new_token calls", "what it means",
    ]  # fmt: skip
    assert len(frame) == 9
    fig = flag_chart_figure(frame)
    assert len(fig.data) == 6  # 3 flags × 2 panels
    unset_chunks = next(t for t in fig.data if t.name == "unset" and t.xaxis == "x")
    assert list(unset_chunks.x) == ["stream()", "astream()", "invoke()"]
    assert list(unset_chunks.y) == [9, 9, 1]
