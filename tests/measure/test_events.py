"""Capturing astream_events as the installed langchain-core really emits it (streamlab.measure.events).

The seed chain and its expected timeline are in tests/support/event_chains.py.
"""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessageChunk
from langchain_core.runnables import RunnableLambda

from streamlab.measure.event_rows import to_rows
from streamlab.measure.event_spans import to_spans
from streamlab.measure.events import (
    TimedEvent,
    capture_events,
    capture_events_sync,
    event_phase,
    run_type,
    supports_v3,
)
from tests.support.event_chains import (
    CHUNKS,
    MODEL,
    MODEL_EVENTS,
    SEED_TIMELINE,
    SEED_TREE,
    START,
    fake_model,
    seed_chain,
    span_tree,
    timeline,
)


async def test_capture_events_when_seed_chain_then_events_read_as_a_timeline():
    captured = await capture_events(seed_chain(), "Runnable streaming")

    assert timeline(captured) == SEED_TIMELINE
    assert captured.version == "v2"
    assert captured.warnings == []
    times = [timed.t_ms for timed in captured.events]
    assert times == sorted(times)
    assert times[0] >= 0 and times[-1] <= captured.total_ms


async def test_capture_events_when_v1_then_same_timeline_plus_a_deprecation_warning():
    captured = await capture_events(seed_chain(), "Runnable streaming", version="v1")

    assert timeline(captured) == SEED_TIMELINE
    assert len(captured.warnings) == 1
    assert captured.warnings[0].startswith("LangChainDeprecationWarning: astream_events version='v1'")
    assert all(timed.event["parent_ids"] == [] for timed in captured.events)


async def test_capture_events_when_v1_twice_then_each_capture_records_the_warning():
    # Python shows a "default" warning once per call site; the capture must not depend on that.
    first = await capture_events(seed_chain(), "a", version="v1")
    second = await capture_events(seed_chain(), "b", version="v1")

    assert first.warnings == second.warnings != []


@pytest.mark.parametrize(
    "version, output_type",
    [("v2", AIMessageChunk), ("v1", dict)],  # v1 ends a chat model with an LLMResult-like dict
)
async def test_capture_events_when_model_ends_then_output_type_depends_on_version(version, output_type):
    captured = await capture_events(seed_chain(), "topic", version=version)
    model_end = next(t.event for t in captured.events if t.event["event"] == "on_chat_model_end")

    assert isinstance(model_end["data"]["output"], output_type)


@pytest.mark.parametrize(
    "given, expected",
    [
        ({"include_names": [MODEL]}, MODEL_EVENTS),
        ({"include_types": ["chat_model"]}, MODEL_EVENTS),
        ({"include_types": ["llm"]}, []),  # a chat model is not an "llm"
        ({"include_names": []}, []),  # an empty list is a filter that matches nothing, not "no filter"
        ({"include_tags": ["seq:step:2"]}, [("on_prompt_start", "ChatPromptTemplate"),
                                           ("on_prompt_end", "ChatPromptTemplate")]),
        # Several include_* filters combine with OR, not AND.
        ({"include_names": ["RunnableLambda"], "include_types": ["prompt"]}, START[1:6]),
        ({"exclude_types": ["chain", "chat_model"]}, START[4:6]),
    ],
)  # fmt: skip
async def test_capture_events_when_filtered_then_only_matching_runs_remain(given, expected):
    captured = await capture_events(seed_chain(), "topic", **given)

    assert timeline(captured) == expected


async def test_capture_events_when_on_event_given_then_called_live_with_each_event():
    seen: list[TimedEvent] = []
    awaited: list[str] = []

    async def on_event_async(timed: TimedEvent) -> None:
        awaited.append(timed.event["event"])

    captured = await capture_events(seed_chain(), "topic", on_event=seen.append)
    await capture_events(seed_chain(), "topic", on_event=on_event_async)

    assert seen == captured.events
    assert awaited == [event for event, _ in SEED_TIMELINE]


def test_capture_events_sync_when_no_loop_runs_then_returns_the_capture():
    assert timeline(capture_events_sync(seed_chain(), "topic")) == SEED_TIMELINE


async def test_capture_events_sync_when_a_loop_already_runs_then_uses_a_worker_thread():
    assert timeline(capture_events_sync(seed_chain(), "topic", version="v2")) == SEED_TIMELINE


async def test_capture_events_when_v3_on_chat_model_then_content_block_protocol():
    captured = await capture_events(fake_model(), "topic", version="v3")
    rows = to_rows(captured)

    assert [row["event"] for row in rows] == [
        "message-start",
        "content-block-start",
        *["content-block-delta"] * len(CHUNKS),
        "content-block-finish",
        "message-finish",
    ]
    assert [row["data"] for row in rows if row["phase"] == "stream"] == CHUNKS
    assert captured.warnings[0].startswith("LangChainBetaWarning")
    spans = to_spans(captured)
    assert span_tree(spans) == [(MODEL, "chat_model", 0)]
    assert spans.loc[0, "n_stream_events"] == len(CHUNKS)


@pytest.mark.parametrize(
    "runnable, filters, message",
    [
        (seed_chain(), {}, "only works for chat models"),
        (RunnableLambda(lambda x: x), {}, "only works for chat models"),
        (fake_model(), {"include_names": [MODEL]}, "does not support include_names"),
    ],
)
async def test_capture_events_when_v3_not_possible_then_value_error(runnable, filters, message):
    with pytest.raises(ValueError, match=message):
        await capture_events(runnable, "topic", version="v3", **filters)


@pytest.mark.parametrize(
    "given, expected",
    [
        ("on_chain_start", "start"),
        ("on_chat_model_stream", "stream"),
        ("on_prompt_end", "end"),
        ("on_custom_event", "other"),
        ("message-start", "start"),
        ("content-block-delta", "stream"),
        ("content-block-start", "other"),
        ("message-finish", "end"),
    ],
)
def test_event_phase(given, expected):
    assert event_phase(given) == expected


@pytest.mark.parametrize(
    "given, expected",
    [
        (("on_chat_model_start", "ChatOpenAI"), "chat_model"),
        (("on_llm_start", "FakeListLLM"), "llm"),
        (("on_prompt_start", "ChatPromptTemplate"), "prompt"),
        (("on_parser_start", "StrOutputParser"), "parser"),
        (("on_retriever_start", "VectorStoreRetriever"), "retriever"),
        (("on_tool_start", "search"), "tool"),
        (("on_chain_start", "RunnableLambda"), "lambda"),
        (("on_chain_start", "RunnableSequence"), "chain"),
        (("content-block-delta", "ChatOpenAI"), "chat_model"),
    ],
)
def test_run_type(given, expected):
    assert run_type(*given) == expected


async def test_capture_events_when_chat_openai_then_same_shape_with_empty_edge_chunks(chat_model):
    captured = await capture_events(seed_chain(chat_model), "Runnable streaming")
    rows = to_rows(captured)
    pairs = timeline(captured)

    assert pairs[:7] == [(event, name.replace(MODEL, "ChatOpenAI")) for event, name in START]
    assert pairs[-2:] == [("on_chat_model_end", "ChatOpenAI"), ("on_chain_end", "RunnableSequence")]
    model_text = [row["data"] for row in rows if row["event"] == "on_chat_model_stream"]
    # The role chunk comes first and is empty: it must not count as the first token.
    assert model_text[0] == ""
    assert model_text[1] != ""
    assert model_text[-1] == ""
    assert span_tree(to_spans(captured)) == [
        (name.replace(MODEL, "ChatOpenAI"), kind, depth) for name, kind, depth in SEED_TREE
    ]


async def test_capture_events_when_chat_openai_v3_then_deltas_hold_only_text(chat_model):
    captured = await capture_events(chat_model, "hi", version="v3")
    rows = to_rows(captured, limit=10_000)
    deltas = [row["data"] for row in rows if row["phase"] == "stream"]
    finish = next(t.event for t in captured.events if t.event["event"] == "content-block-finish")

    assert all(deltas)  # no empty role/finish chunks in v3
    assert "".join(deltas) == finish["data"]["chunk"]["content"]["text"]


def test_installed_langchain_core_has_astream_events_v3():
    # The lessons offer v3; if an upgrade drops it, this fails instead of v3 tests skipping.
    assert supports_v3()
