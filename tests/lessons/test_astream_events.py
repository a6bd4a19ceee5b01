"""Lesson "astream_events": what the seed's chain really emits with a real ChatOpenAI (recipe and
demo), and the page that captures it, filters it and checks the seed's claims."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from langchain_core.messages import AIMessageChunk

from streamlab.demos.astream_events import (
    capture_claim_runs,
    describe,
    end_output,
    event_names,
    filter_options,
    filter_rows,
    langchain_warnings,
    seed_claims,
    to_claims_table,
)
from streamlab.measure.event_rows import to_dataframe, to_json
from streamlab.recipes.astream_events import build_seed_chain, collect_events, collect_model_events
from tests.support.apptest import open_page, table_with, texts

PAGE = "lessons/07_astream_events.py"

QUESTION = "Runnable streaming"
# 2 tokens → 6 model chunks: role '', 2 × text, finish '', usage '', last ''.
SEED_CHAIN_V2 = [
    ("on_chain_start", "RunnableSequence"),
    ("on_chain_start", "RunnableLambda"),
    ("on_chain_stream", "RunnableLambda"),
    ("on_chain_end", "RunnableLambda"),
    ("on_prompt_start", "ChatPromptTemplate"),
    ("on_prompt_end", "ChatPromptTemplate"),
    ("on_chat_model_start", "ChatOpenAI"),
    *[("on_chat_model_stream", "ChatOpenAI"), ("on_chain_stream", "RunnableSequence")] * 6,
    ("on_chat_model_end", "ChatOpenAI"),
    ("on_chain_end", "RunnableSequence"),
]


@pytest.fixture
def chain(make_llm):
    return build_seed_chain(make_llm(max_tokens=2))


def _pairs(captured) -> list[tuple[str, str]]:
    return [(t.event["event"], t.event["name"]) for t in captured.events]


async def test_seed_chain_v2_emits_chat_model_events_in_this_order(chain):
    captured = await collect_events(chain, QUESTION)
    assert _pairs(captured) == SEED_CHAIN_V2
    names = event_names(captured)
    assert "on_chat_model_stream" in names and "on_llm_stream" not in names
    assert langchain_warnings(captured) == []


async def test_v1_when_run_then_deprecation_warning_is_captured_every_time(chain):
    for _ in range(2):  # warnings filters dedupe per call site; each capture must still see it
        captured = await collect_events(chain, QUESTION, version="v1")
        assert langchain_warnings(captured) == [
            "LangChainDeprecationWarning: astream_events version='v1' is deprecated. "
            "Use version='v2' or astream instead."
        ]


async def test_v1_and_v2_same_names_same_order_but_parent_ids_only_in_v2(chain):
    v1 = await collect_events(chain, QUESTION, version="v1")
    v2 = await collect_events(chain, QUESTION, version="v2")
    assert event_names(v1) == event_names(v2)
    assert not any(t.event.get("parent_ids") for t in v1.events)
    assert all(t.event["parent_ids"] for t in v2.events if t.event["name"] != "RunnableSequence")


async def test_claim_v1_and_v2_differ_in_the_chat_models_end_output(chain):
    v1 = await collect_events(chain, QUESTION, version="v1")
    v2 = await collect_events(chain, QUESTION, version="v2")
    (ended_v1,) = [t.event for t in v1.events if t.event["event"] == "on_chat_model_end"]
    (ended_v2,) = [t.event for t in v2.events if t.event["event"] == "on_chat_model_end"]
    assert isinstance(ended_v2["data"]["output"], AIMessageChunk)
    assert isinstance(ended_v1["data"]["output"], dict) and "generations" in ended_v1["data"]["output"]
    assert end_output(v1) == "a dict (generations, llm_output, run, type)"
    assert end_output(v2) == "AIMessageChunk"


async def test_include_types_llm_matches_nothing_for_a_chat_model(chain):
    llm_only = await collect_events(chain, QUESTION, include_types=["llm"])
    chat_only = await collect_events(chain, QUESTION, include_types=["chat_model"])
    assert llm_only.events == []
    assert set(event_names(chat_only)) == {
        "on_chat_model_start",
        "on_chat_model_stream",
        "on_chat_model_end",
    }


async def test_several_include_filters_combine_with_or(chain):
    prompt = await collect_events(chain, QUESTION, include_types=["prompt"])
    lam = await collect_events(chain, QUESTION, include_names=["RunnableLambda"])
    both = await collect_events(
        chain, QUESTION, include_types=["prompt"], include_names=["RunnableLambda"]
    )
    assert len(prompt.events) == 2 and len(lam.events) == 3
    assert set(_pairs(both)) == set(_pairs(prompt)) | set(_pairs(lam))
    assert len(both.events) == 5  # OR; AND would have given 0


async def test_include_tags_picks_the_step_by_its_position(chain):
    step3 = await collect_events(chain, QUESTION, include_tags=["seq:step:3"])
    assert {name for _, name in _pairs(step3)} == {"ChatOpenAI"}


async def test_on_event_sees_every_event_as_it_arrives(chain):
    seen: list[str] = []
    captured = await collect_events(chain, QUESTION, on_event=lambda t: seen.append(t.event["event"]))
    assert seen == event_names(captured)


async def test_v3_only_for_chat_models_and_yields_content_block_events(make_llm, chain):
    captured = await collect_model_events(make_llm(max_tokens=2), QUESTION)
    assert event_names(captured) == [
        "message-start",
        "content-block-start",
        "content-block-delta",
        "content-block-delta",
        "content-block-finish",
        "message-finish",
    ]
    with pytest.raises(ValueError, match="only works for chat models"):
        await collect_events(chain, QUESTION, version="v3")


async def test_seed_claims_when_real_captures_then_seed_is_wrong_on_three(chain):
    runs = await capture_claim_runs(lambda **kw: collect_events(chain, QUESTION, **kw))
    checks = seed_claims(runs)
    assert [c.seed_right for c in checks] == [False, False, False, None, None]
    assert "0 × on_llm_stream, 6 × on_chat_model_stream" in checks[0].observed
    assert 'include_types=["llm"] → 0 events' in checks[1].observed
    assert "deprecated" in checks[2].observed
    assert "same order: True" in checks[3].observed and "v1 0," in checks[3].observed
    assert "on_chat_model_end output: v1 a dict (generations" in checks[3].observed
    assert checks[3].observed.endswith("v2 AIMessageChunk")
    assert "both → 5 events (OR: True)" in checks[4].observed
    table = to_claims_table(checks)
    assert list(table["verdict"]) == ["wrong or dated"] * 3 + ["not in the seed"] * 2


async def test_describe_counts_token_events_by_kind(chain):
    counts = describe(await collect_events(chain, QUESTION))
    assert (counts["events"], counts["runs"]) == (len(SEED_CHAIN_V2), 4)
    assert (counts["on_chat_model_stream"], counts["on_llm_stream"]) == (6, 0)


ROWS = pd.DataFrame(
    {
        "event": ["on_chain_start", "on_prompt_start", "on_chat_model_stream", "on_chat_model_stream"],
        "name": ["RunnableSequence", "ChatPromptTemplate", "ChatOpenAI", "ChatOpenAI"],
        "tags": [[], ["seq:step:2"], ["seq:step:3"], ["seq:step:3", "x"]],
    }
)


@pytest.mark.parametrize(
    "given, expected",
    [
        ({}, [0, 1, 2, 3]),
        ({"events": ["on_chat_model_stream"]}, [2, 3]),
        ({"names": ["RunnableSequence", "ChatPromptTemplate"]}, [0, 1]),
        ({"tags": ["x", "seq:step:2"]}, [1, 3]),
        ({"events": ["on_chat_model_stream"], "tags": ["seq:step:2"]}, []),  # across filters: AND
    ],
)
def test_filter_rows(given, expected):
    assert filter_rows(ROWS, **given).index.tolist() == expected


def test_filter_options_when_rows_then_sorted_distinct_values_and_flattened_tags():
    assert filter_options(ROWS) == {
        "event": ["on_chain_start", "on_chat_model_stream", "on_prompt_start"],
        "name": ["ChatOpenAI", "ChatPromptTemplate", "RunnableSequence"],
        "tags": ["seq:step:2", "seq:step:3", "x"],
    }
    assert filter_options(to_dataframe([])) == {"event": [], "name": [], "tags": []}


# --- the page ---------------------------------------------------------------------------------


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _run(at, version: str = "v2", **filters):
    at.radio(key="ev_version").set_value(version)
    for name, values in filters.items():
        at.multiselect(key=f"ev_{name}").set_value(values)
    at.button(key="ev_run").click().run()
    assert not at.exception, at.exception
    return at


def test_page_v2_run_shows_events_timeline_table_download_and_filters_without_running_again():
    at = _run(open_page(PAGE))
    metrics = _metrics(at)
    assert int(metrics["on_chat_model_stream"]) > 10 and metrics["on_llm_stream"] == "0"
    assert metrics["Runs"] == "4"
    table = at.dataframe[0].value
    expected = {"on_chain_start", "on_prompt_end", "on_chat_model_stream", "on_chat_model_end"}
    assert expected <= set(table["event"])
    assert not [w for w in at.warning if "Warning captured" in w.value]  # v2 does not warn
    assert [c.key for c in at.get("plotly_chart")] == ["ev_timeline"]
    download = at.get("download_button")[0]
    assert download.proto.label == "Download the events (JSON)"
    page = " ".join(texts(at).split())
    assert 'return RunnableLambda(lambda x: {"topic": x}) | prompt | llm' in page
    assert "Event times are LangChain's clock (the *received by LangChain* layer" in page
    assert "astream_events" in at.session_state["lessons_run"]

    at.multiselect(key="ev_filter_event").set_value(["on_prompt_start", "on_prompt_end"]).run()
    assert not at.exception
    assert list(at.dataframe[0].value["name"]) == ["ChatPromptTemplate", "ChatPromptTemplate"]
    assert f"2 of {len(table)} events match." in texts(at)
    assert _metrics(at) == metrics  # the same capture, redrawn


def test_page_v1_run_shows_the_deprecation_warning_and_exports_it_with_capped_rows():
    at = _run(open_page(PAGE), "v1")
    warnings = [w.value for w in at.warning if "Warning captured" in w.value]
    assert len(warnings) == 1
    assert "LangChainDeprecationWarning" in warnings[0] and "deprecated" in warnings[0]
    assert _metrics(at)["on_llm_stream"] == "0"
    document = json.loads(to_json(at.session_state["ev_last"]["captured"]))  # what the download serves
    assert document["version"] == "v1"
    assert any("deprecated" in w for w in document["warnings"])
    assert len(document["events"]) == int(_metrics(at)["Events"])
    assert all(len(row["data"]) <= 300 for row in document["events"])


def test_page_include_types_llm_gives_no_events_and_chat_model_gives_only_the_model():
    at = _run(open_page(PAGE), include_types=["llm"])
    assert _metrics(at)["Events"] == "0"
    at = _run(at, include_types=["chat_model"])
    events = set(at.dataframe[0].value["event"])
    assert events == {"on_chat_model_start", "on_chat_model_stream", "on_chat_model_end"}


def test_page_check_button_proves_the_seed_wrong_on_three_claims():
    at = open_page(PAGE)
    at.button(key="ev_check").click().run()
    assert not at.exception
    verdicts = list(table_with(at, "verdict")["verdict"])
    assert verdicts == ["wrong or dated"] * 3 + ["not in the seed"] * 2


def test_page_v3_runs_the_model_alone_with_content_block_events():
    at = _run(open_page(PAGE), "v3")
    assert "content-block-delta" in set(at.dataframe[0].value["event"])
    assert _metrics(at)["Runs"] == "1"
    assert at.multiselect(key="ev_include_types").disabled


def test_page_empty_question_is_refused_with_a_clear_message():
    at = open_page(PAGE)
    at.text_input(key="ev_question").set_value(" ")
    at.button(key="ev_run").click().run()
    assert not at.exception
    assert "prompt is empty" in at.error[0].value
    assert not at.metric  # nothing ran
