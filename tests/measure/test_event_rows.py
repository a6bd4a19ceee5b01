"""Captured events flattened into JSON-safe rows, a table and a JSON export (event_rows)."""

from __future__ import annotations

import json

from langchain_core.runnables import RunnableLambda

from streamlab.measure.event_rows import ROW_COLUMNS, to_dataframe, to_json, to_rows
from streamlab.measure.events import capture_events
from tests.support.event_chains import CHUNKS, SEED_TIMELINE, seed_chain


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
