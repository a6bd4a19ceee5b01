"""The astream_events lesson: what the seed's chain really emits with a real ChatOpenAI."""

from __future__ import annotations

import pandas as pd
import pytest

from streamlab.demos.astream_events import (
    capture_claim_runs,
    describe,
    event_names,
    filter_options,
    filter_rows,
    langchain_warnings,
    seed_claims,
    to_claims_table,
)
from streamlab.measure.events import to_dataframe
from streamlab.recipes.astream_events import build_seed_chain, collect_events, collect_model_events

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
    assert "both → 5 events (OR: True)" in checks[4].observed
    table = to_claims_table(checks)
    assert list(table["verdict"]) == ["❌ wrong or dated"] * 3 + ["➕ not in the seed"] * 2


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
