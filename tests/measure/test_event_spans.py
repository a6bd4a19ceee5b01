"""One timeline span per run, nested by parent (streamlab.measure.event_spans)."""

from __future__ import annotations

import pandas as pd
import pytest
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableParallel

from streamlab.measure.event_spans import SPAN_COLUMNS, to_spans
from streamlab.measure.events import capture_events
from tests.support.event_chains import CHUNKS, MODEL, SEED_TREE, fake_model, seed_chain, span_tree


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
