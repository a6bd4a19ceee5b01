"""astream_events as the installed langchain-core really emits it, captured by streamlab.measure.events.

The seed chain is `RunnableLambda | ChatPromptTemplate | model`; the fake model streams its
answer word by word ("chunks", " ", "arrive", " ", "early": 5 chunks).
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import Runnable, RunnableLambda, RunnableParallel

from streamlab.measure.events import (
    ROW_COLUMNS,
    SPAN_COLUMNS,
    CapturedEvents,
    TimedEvent,
    capture_events,
    capture_events_sync,
    event_phase,
    run_type,
    supports_v3,
    to_dataframe,
    to_json,
    to_rows,
    to_spans,
)

ANSWER = "chunks arrive early"
CHUNKS = ["chunks", " ", "arrive", " ", "early"]
MODEL = "GenericFakeChatModel"

START = [
    ("on_chain_start", "RunnableSequence"),
    ("on_chain_start", "RunnableLambda"),
    ("on_chain_stream", "RunnableLambda"),
    ("on_chain_end", "RunnableLambda"),
    ("on_prompt_start", "ChatPromptTemplate"),
    ("on_prompt_end", "ChatPromptTemplate"),
    ("on_chat_model_start", MODEL),
]
# Each chunk surfaces twice: first from the model, then as the sequence's own output.
STREAM = [("on_chat_model_stream", MODEL), ("on_chain_stream", "RunnableSequence")] * len(CHUNKS)
END = [
    ("on_chat_model_end", MODEL),
    ("on_chain_end", "RunnableSequence"),
]
SEED_TIMELINE = START + STREAM + END
MODEL_EVENTS = [
    ("on_chat_model_start", MODEL),
    *[("on_chat_model_stream", MODEL)] * len(CHUNKS),
    ("on_chat_model_end", MODEL),
]


def fake_model(answer: str = ANSWER) -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=iter([AIMessage(content=answer)]))


def seed_chain(model: Runnable | None = None) -> Runnable:
    prompt = ChatPromptTemplate.from_template("Explain this concept briefly:\n{topic}")
    return RunnableLambda(lambda x: {"topic": x}) | prompt | (model or fake_model())


def timeline(captured: CapturedEvents) -> list[tuple[str, str]]:
    """(event, name) per event: the ids and times differ on every run, the order does not."""
    return [(timed.event["event"], timed.event["name"]) for timed in captured.events]


def span_tree(spans: pd.DataFrame) -> list[tuple[str, str, int]]:
    return list(zip(spans["name"], spans["run_type"], spans["depth"], strict=True))


SEED_TREE = [
    ("RunnableSequence", "chain", 0),
    ("RunnableLambda", "lambda", 1),
    ("ChatPromptTemplate", "prompt", 1),
    (MODEL, "chat_model", 1),
]


# --- capture ----------------------------------------------------------------------------------


async def test_capture_events_when_seed_chain_then_events_read_as_a_timeline():
    captured = await capture_events(seed_chain(), "Runnable streaming")

    assert timeline(captured) == SEED_TIMELINE
    assert captured.version == "v2"
    assert captured.warnings == []
    times = [timed.t_ms for timed in captured.events]
    assert times == sorted(times)
    assert times[0] >= 0 and times[-1] <= captured.total_ms


async def test_capture_events_when_seed_chain_then_stream_rows_hold_the_chunk_text():
    rows = to_rows(await capture_events(seed_chain(), "Runnable streaming"))

    assert [row["data"] for row in rows if row["event"] == "on_chat_model_stream"] == CHUNKS
    assert [row["data"] for row in rows if row["event"] == "on_chain_stream"][1:] == CHUNKS
    assert rows[0]["data"] == "Runnable streaming"  # the root's start carries the input
    prompt_end = next(row for row in rows if row["event"] == "on_prompt_end")
    assert prompt_end["data"] == "Human: Explain this concept briefly:\nRunnable streaming"


async def test_capture_events_when_v2_then_a_streaming_step_reports_its_input_only_at_its_end():
    rows = to_rows(await capture_events(seed_chain(), "topic"))
    lambda_rows = {row["event"]: row for row in rows if row["name"] == "RunnableLambda"}

    assert lambda_rows["on_chain_start"]["data"] == ""
    assert lambda_rows["on_chain_end"]["data"] == '{"topic": "topic"}'


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


# --- v3 -----------------------------------------------------------------------------------------


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


# --- spans --------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["v2", "v1"])  # v1 has no parent_ids: nesting is inferred
async def test_to_spans_when_seed_chain_then_steps_nest_under_the_sequence(version):
    spans = to_spans(await capture_events(seed_chain(), "topic", version=version))

    assert list(spans.columns) == SPAN_COLUMNS
    assert span_tree(spans) == SEED_TREE
    root = spans.iloc[0]
    assert pd.isna(root["parent_run_id"])
    assert (spans["parent_run_id"].iloc[1:] == root["run_id"]).all()
    assert (spans["start_ms"] <= spans["end_ms"]).all()
    model = spans.iloc[3]
    assert model["n_stream_events"] >= len(CHUNKS)
    assert model["start_ms"] < model["first_stream_ms"] < model["end_ms"]
    assert root["start_ms"] <= spans["start_ms"].min() and root["end_ms"] >= spans["end_ms"].max()


async def test_to_spans_when_parallel_branches_then_two_overlapping_siblings():
    prompt = ChatPromptTemplate.from_template("{topic}")
    parallel = RunnableParallel(
        short=prompt | fake_model("brief answer"),
        detailed=prompt | fake_model("a much longer and far more detailed answer"),
    )
    captured = await capture_events(parallel, {"topic": "RAG"})
    spans = to_spans(captured).set_index("run_id")

    root_id = spans.index[spans["depth"] == 0].item()
    branches = spans[spans["depth"] == 1]
    assert list(branches["name"]) == ["RunnableSequence", "RunnableSequence"]
    assert (branches["parent_run_id"] == root_id).all()
    assert branches["start_ms"].max() < branches["end_ms"].min()  # both run at the same time
    # Each model sits under its own branch, found by the branch tag and the chunk count.
    short_id = next(t.event["run_id"] for t in captured.events if t.event["tags"] == ["map:key:short"])
    models = spans[spans["run_type"] == "chat_model"]
    short_model = models[models["n_stream_events"] == 3]  # "brief", " ", "answer"
    assert short_model["parent_run_id"].item() == short_id
    assert sorted(spans["depth"]) == [0, 1, 1, 2, 2, 2, 2]


async def test_to_spans_when_filter_hides_the_parent_then_nearest_captured_ancestor_is_used():
    spans = to_spans(await capture_events(seed_chain(), "topic", include_types=["chat_model"]))

    assert span_tree(spans) == [(MODEL, "chat_model", 0)]
    assert pd.isna(spans.loc[0, "parent_run_id"])


def test_to_spans_when_no_events_then_empty_frame_with_columns():
    spans = to_spans([])

    assert spans.empty and list(spans.columns) == SPAN_COLUMNS


# --- rows ---------------------------------------------------------------------------------------


async def test_to_rows_when_a_step_outputs_a_huge_value_then_the_preview_is_truncated():
    captured = await capture_events(RunnableLambda(lambda _: "x" * 10_000), "topic")
    rows = to_rows(captured, limit=300)

    assert {len(row["data"]) for row in rows if row["phase"] != "start"} == {300}
    assert rows[-1]["data"].endswith("…")


async def test_to_json_when_exported_then_it_round_trips_as_plain_json():
    captured = await capture_events(seed_chain(), "topic", version="v1")
    document = json.loads(to_json(captured))

    assert document["version"] == "v1"
    assert document["warnings"] == captured.warnings
    assert [(row["event"], row["name"]) for row in document["events"]] == SEED_TIMELINE
    assert set(document["events"][0]) == set(ROW_COLUMNS)


async def test_to_dataframe_when_captured_then_one_row_per_event():
    captured = await capture_events(seed_chain(), "topic")
    frame = to_dataframe(captured)

    assert list(frame.columns) == ROW_COLUMNS
    assert len(frame) == len(SEED_TIMELINE)
    assert frame["phase"].value_counts().to_dict() == {"stream": 11, "start": 4, "end": 4}
    assert to_dataframe([]).empty


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


# --- against a real ChatOpenAI ------------------------------------------------------------------


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
