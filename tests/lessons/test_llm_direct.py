"""Lesson "Streaming an LLM directly": its recipes and the `streaming=` truth table (demo) against the
embedded simulator, then the page under AppTest (one page run per scenario).

AppTest runs no JavaScript, so the browser layer stays empty here; the browser tests
(tests/e2e/test_lessons_browser.py) cover it in chromium.
"""

from __future__ import annotations

import asyncio
import functools
import operator

import pandas as pd
import pytest
from langchain_core.messages import AIMessage
from langchain_openai import ChatOpenAI

from components.figures.flags import flag_chart_figure
from streamlab.client.providers import build_chat_model, embedded_config
from streamlab.demos.llm_direct import FLAGS, METHODS, measure_flags, to_flag_table
from streamlab.measure.layers import BROWSER, LANGCHAIN, SERVER
from streamlab.recipes.llm_direct import astream_counting, invoke_counting, stream_counting
from tests.support.apptest import FAST_PROFILE, layer_tables, open_page, table_with, texts
from tests.support.factories import INSTANT

PAGE = "lessons/04_llm_direct.py"
ANSWER = "one two three four five"  # 5 tokens → role + 5 + finish + usage + last = 9 chunks
QUESTION = "Explain streaming"


# --- recipes and the truth table ---------------------------------------------------------------


@pytest.fixture(scope="module")
def table(sim_base_url):
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


@pytest.mark.parametrize("flag", ["streaming=False", "disable_streaming=True"])
def test_when_streaming_is_turned_off_then_stream_yields_one_message(table, flag):
    for method in ("stream()", "astream()"):
        row = table[flag, method]
        assert (row.chunks, row.content_chunks, row.callback_tokens) == (1, 1, 0)
        assert row.meaning == "does not stream: one message with the whole answer"


@pytest.mark.parametrize("flag", [{"streaming": False}, {"disable_streaming": True}])
def test_claim_streaming_off_makes_stream_yield_one_ai_message_not_a_chunk(make_llm, flag):
    (only,) = list(make_llm(sim={"text": ANSWER}, **flag).stream(QUESTION))
    assert type(only) is AIMessage and only.text == ANSWER


@pytest.mark.parametrize(
    "stream_usage, usage", [(None, None), (True, {"output_tokens": 5})], ids=["unset", "True"]
)
def test_claim_with_a_custom_base_url_usage_needs_stream_usage(sim_base_url, stream_usage, usage):
    options = {} if stream_usage is None else {"stream_usage": stream_usage}
    llm = ChatOpenAI(model="sim-fast", base_url=sim_base_url, api_key="x", **options)
    chunks = list(llm.stream(QUESTION, extra_body={"sim": {"text": ANSWER}}))
    total = functools.reduce(operator.add, chunks)
    got = total.usage_metadata and {"output_tokens": total.usage_metadata["output_tokens"]}
    assert got == usage
    assert ChatOpenAI(api_key="x").stream_usage is True  # on by default only for OpenAI's own URL


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
    assert len(frame) == 12
    fig = flag_chart_figure(frame)
    assert len(fig.data) == 8  # 4 flags × 2 panels
    unset_chunks = next(t for t in fig.data if t.name == "unset" and t.xaxis == "x")
    assert list(unset_chunks.x) == ["stream()", "astream()", "invoke()"]
    assert list(unset_chunks.y) == [9, 9, 1]


# --- the page --------------------------------------------------------------------------------------


def test_when_streaming_run_then_text_metrics_code_and_server_langchain_layers_show():
    at = open_page(PAGE)
    at.text_input(key="direct_question").set_value("Explain RAG")
    at.button(key="direct_run").click().run()
    assert not at.exception
    assert "Retrieval-Augmented Generation" in texts(at)
    assert "return llm.stream(question)" in texts(at)
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Chunks"]) > 20
    (table,) = layer_tables(at)
    assert list(table.index) == [SERVER, LANGCHAIN, BROWSER]
    assert table.loc[SERVER, "updates"] == table.loc[LANGCHAIN, "updates"] > 10
    assert table.loc[SERVER, "chars"] == table.loc[LANGCHAIN, "chars"]
    assert table.loc[SERVER, "first token (ms)"] <= table.loc[LANGCHAIN, "first token (ms)"]
    assert pd.isna(table.loc[BROWSER, "first token (ms)"])
    assert "needs a real browser tab" in texts(at)
    assert "llm_direct" in at.session_state["lessons_run"]


def test_when_rerun_then_the_last_answer_metrics_and_layers_are_redrawn():
    at = open_page(PAGE, profile={**FAST_PROFILE, "sim_text": "A short fixed answer."})
    at.button(key="direct_run").click().run()
    at.run()  # e.g. the browser's report, or any other widget
    assert not at.exception
    assert "A short fixed answer." in [m.value for m in at.markdown]
    assert {m.label for m in at.metric} >= {"TTFT", "Chunks"}
    (table,) = layer_tables(at)
    assert table.loc[LANGCHAIN, "chars"] == len("A short fixed answer.")


def test_when_other_provider_then_no_server_layer(sim_base_url):
    at = open_page(
        PAGE,
        profile={
            **FAST_PROFILE,
            "provider_kind": "compatible",
            "compat_url": sim_base_url,
            "compat_model": "sim-fast",
        },
    )
    at.button(key="direct_run").click().run()
    assert not at.exception
    (table,) = layer_tables(at)
    assert pd.isna(table.loc[SERVER, "first token (ms)"])
    assert table.loc[LANGCHAIN, "updates"] > 10
    assert "measured only by the embedded simulator" in texts(at)


def test_when_invoke_run_then_one_chunk():
    at = open_page(PAGE)
    at.toggle(key="direct_stream").set_value(False).run()
    assert "return llm.invoke(question)" in texts(at)
    at.button(key="direct_run").click().run()
    assert "Retrieval-Augmented Generation" not in texts(at)  # default question is not about RAG
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Chunks"] == "1"


def test_when_question_empty_then_refused_with_a_clear_message():
    at = open_page(PAGE)
    at.text_input(key="direct_question").set_value("   ")
    at.button(key="direct_run").click().run()
    assert not at.exception
    assert "prompt is empty" in at.error[0].value
    assert not layer_tables(at)  # nothing ran


def test_when_truth_table_runs_then_it_shows_what_the_streaming_flag_changes():
    at = open_page(PAGE)
    assert "Forgetting" in at.warning[0].value and "streams with the flag unset" in at.warning[0].value
    at.button(key="direct_table_run").click().run()
    assert not at.exception
    table = table_with(at, "what it means").set_index(["streaming=", "method"])
    assert len(table) == 12
    assert table.loc[("unset", "stream()"), "chunks"] > 3  # streams without streaming=True
    assert table.loc[("streaming=False", "stream()"), "chunks"] == 1
    assert table.loc[("disable_streaming=True", "stream()"), "chunks"] == 1
    assert table.loc[("streaming=True", "invoke()"), "on_llm_new_token calls"] > 0
    assert table.loc[("unset", "invoke()"), "on_llm_new_token calls"] == 0
    for flag in ("unset", "streaming=True", "streaming=False"):
        assert table.loc[(flag, "astream()"), "chunks"] == table.loc[(flag, "stream()"), "chunks"]
    assert "TokenCounter" in texts(at)
    at.run()  # a rerun keeps the measured table
    assert len([t for t in at.table if "what it means" in t.value.columns]) == 1
