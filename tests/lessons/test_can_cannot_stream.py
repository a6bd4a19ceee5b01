"""Lesson "What can and cannot stream": every row's measured verdict against real langchain (recipe
and demo), and the page that measures the rows one by one."""

from __future__ import annotations

from itertools import pairwise

import pytest
from langchain_core.documents import Document
from langchain_core.prompt_values import ChatPromptValue

from streamlab.client.providers import build_chat_model, embedded_config
from streamlab.demos.can_cannot_stream import COLUMNS, measure_cases, to_components_table
from streamlab.measure.streamability import VERDICT_LABELS
from streamlab.recipes import can_cannot_stream as recipes
from streamlab.sim.answers import LatencyProfile
from tests.support.apptest import open_page, table_with, texts

PAGE = "lessons/08_can_cannot_stream.py"
# ~0.5 s streams: a loaded machine stalling for 100 ms cannot make a stream look like a burst
TIMED = LatencyProfile(ttft_ms=40, tokens_per_s=150, jitter_ms=0, seed=5)

EXPECTED = {
    "LLM (ChatOpenAI)": "streams",
    "Prompt template": "doesn't",
    "llm | RunnableLambda(plain function)": "doesn't",
    "llm | RunnableLambda(generator)": "partial",
    "llm | RunnableGenerator(generator)": "streams",
    "Retriever (InMemoryVectorStore)": "doesn't",
    "llm | StrOutputParser()": "streams",
    "prompt | llm | JsonOutputParser()": "streams",
    "Sequence ending in the LLM (seed chain)": "streams",
    "Sequence ending in a plain lambda": "doesn't",
    "Sequence: plain lambda, then StrOutputParser": "doesn't",
    "RunnableParallel of two LLMs": "streams",
}


@pytest.fixture(scope="module")
def llm(sim_base_url):
    return build_chat_model(embedded_config(sim_base_url, profile=TIMED))


@pytest.fixture(scope="module")
def results(llm):
    return {case.component: m for case, m in measure_cases(recipes.CASES, llm)}


def test_every_row_is_measured(results):
    assert list(results) == list(EXPECTED)
    assert all(m.error is None for m in results.values())


@pytest.mark.parametrize("component", list(EXPECTED))
def test_measured_verdict_matches_langchain_behaviour(results, component):
    assert results[component].verdict == EXPECTED[component]


def test_prompt_template_streams_one_chat_prompt_value():
    chunks = list(recipes.prompt_alone(None).stream({"topic": "streaming"}))
    assert len(chunks) == 1 and isinstance(chunks[0], ChatPromptValue)


def test_retriever_streams_one_chunk_holding_the_whole_document_list():
    chunks = list(recipes.build_retriever().stream("streaming"))
    assert len(chunks) == 1
    assert len(chunks[0]) == 2 and all(isinstance(d, Document) for d in chunks[0])


def test_json_output_parser_streams_cumulative_partial_objects(llm):
    chunks = list(recipes.llm_then_json_parser(llm).stream({"topic": "rivers"}))
    assert chunks[0] == {}
    assert len(chunks) > 5
    final = chunks[-1]
    assert set(final) == {"topic", "summary", "key_points"}
    for earlier, later in pairwise(chunks):
        assert set(earlier) <= set(later)  # each chunk is the whole object so far, not a delta
    partial = [c["summary"] for c in chunks if "summary" in c and c["summary"] != final["summary"]]
    assert partial and final["summary"].startswith(partial[-1])  # strings grow, too


def test_parallel_streams_one_key_dicts_from_both_branches(llm):
    chunks = list(recipes.parallel_of_two_llms(llm).stream("Explain streaming"))
    assert all(len(c) == 1 for c in chunks)
    assert {key for c in chunks for key in c} == {"short", "detailed"}


def test_seed_claim_final_step_streams_is_not_enough(results):
    # The seed: RunnableSequence streams "if final step streams". This one ends in StrOutputParser.
    case = next(c for c in recipes.CASES if c.component.startswith("Sequence: plain lambda"))
    assert case.seed_says == "streams (if the final step streams)"
    assert results[case.component].chunks == 1


def test_components_table_has_the_columns_and_one_row_per_case(results):
    pairs = [(case, results[case.component]) for case in recipes.CASES]
    table = to_components_table(pairs)
    assert list(table.columns) == COLUMNS
    assert len(table) == len(recipes.CASES)
    llm_row = table.iloc[0]
    assert llm_row["verdict"] == "streams" and llm_row["chunks"] > 30 and llm_row["TTFT (ms)"] > 0
    json_row = table.set_index("component").loc["prompt | llm | JsonOutputParser()"]
    assert json_row["first chunks"].startswith("{} | ")


# --- the page ---------------------------------------------------------------------------------


def test_page_run_measures_every_row_and_shows_langchains_real_verdicts():
    at = open_page(PAGE)  # zero-latency sidebar: the page pins its own latency
    at.button(key="cc_run").click().run()
    assert not at.exception
    table = table_with(at, "verdict").set_index("component")
    assert {c: table.loc[c, "verdict"] for c in EXPECTED} == {
        c: VERDICT_LABELS[v] for c, v in EXPECTED.items()
    }
    seed_chain_row = table.loc["Sequence: plain lambda, then StrOutputParser"]
    assert seed_chain_row["seed says"] == "streams (if the final step streams)"
    assert seed_chain_row["chunks"] == 1
    assert table.loc["prompt | llm | JsonOutputParser()", "first chunks"].startswith("{} | ")
    assert len(at.get("plotly_chart")) == 1
    cards = {m.label: int(m.value) for m in at.metric}
    verdicts = list(EXPECTED.values())
    assert cards == {label: verdicts.count(v) for v, label in VERDICT_LABELS.items()}
    assert "The seed says" in at.warning[0].value and "llm_then_json_parser" in texts(at)
    assert "can_cannot_stream" in at.session_state["lessons_run"]
    assert [c.key for c in at.get("plotly_chart")] == ["cc_strip"]
    assert "Chunk times are LangChain's clock (the *received by LangChain* layer)" in texts(at)
