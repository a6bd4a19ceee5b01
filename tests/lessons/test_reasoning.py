"""Lesson "Reasoning tokens": what a reasoning model on the Responses API streams through the
installed langchain-openai (recipe: the summary's pieces first, then the answer's), how the lesson
times and names them (demo: two first-token times, the efforts), and the page (AppTest: the status,
both texts in three layers, the efforts table).

AppTest runs no JavaScript, so "shown in browser" stays empty here; tests/e2e/test_reasoning_browser.py
watches the thoughts and the answer grow in chromium.
"""

from __future__ import annotations

import pandas as pd
import pytest
from langchain_core.callbacks import get_usage_metadata_callback

from streamlab.demos.agent_streaming import AgentTimeline
from streamlab.demos.reasoning import (
    EFFORTS,
    SIM_MODELS,
    ThinkingRun,
    arrival_frame,
    compare_efforts,
    latest_heading,
    model_choices,
    reasoning_tokens,
)
from streamlab.measure.layers import BROWSER, LANGCHAIN, SERVER
from streamlab.recipes.reasoning import stream_thinking, thinking
from streamlab.sim.answers import LatencyProfile
from tests.support.apptest import FAST_PROFILE, layer_tables, open_page

PAGE = "lessons/18_reasoning.py"
QUESTION = "Explain RAG"
PACED = LatencyProfile(ttft_ms=50, tokens_per_s=200, jitter_ms=0, seed=1)


def thinker(make_llm, effort: str = "low", model: str = "sim-reasoning", **kwargs):
    return make_llm(model=model, **thinking(effort), **kwargs)


# --- the recipe: what the installed langchain-openai streams ---------------------------------------


@pytest.mark.parametrize("model", SIM_MODELS)
def test_stream_thinking_when_a_summary_is_asked_then_every_thought_comes_before_the_answer(
    make_llm, model
):
    llm = thinker(make_llm, model=model)
    pieces = list(stream_thinking(llm, QUESTION))
    kinds = [kind for kind, _ in pieces]
    first_answer = kinds.index("answer")
    assert kinds[:first_answer] == ["thought"] * first_answer and first_answer > 5
    assert set(kinds[first_answer:]) == {"answer"}
    final = llm.invoke(QUESTION)  # the same seed: the same thoughts and answer, whole
    (summary,) = [b["reasoning"] for b in final.content_blocks if b["type"] == "reasoning"]
    assert "".join(text for kind, text in pieces if kind == "thought") == summary
    assert "".join(text for kind, text in pieces if kind == "answer") == final.text


def test_thinking_sends_the_effort_and_asks_for_a_summary_on_the_responses_api(make_llm):
    llm = thinker(make_llm, effort="high")
    assert llm.use_responses_api is True
    payload = llm._get_request_payload([("user", QUESTION)])
    assert payload["reasoning"] == {"effort": "high", "summary": "auto"}
    assert "input" in payload and "messages" not in payload  # the Responses API's request body


def test_without_a_summary_the_thinking_stays_hidden_but_is_still_billed(make_llm):
    llm = make_llm(model="sim-reasoning", use_responses_api=True, reasoning={"effort": "low"})
    with get_usage_metadata_callback() as usage:
        pieces = list(stream_thinking(llm, QUESTION))
    assert {kind for kind, _ in pieces} == {"answer"}
    assert reasoning_tokens(usage.usage_metadata) > 0


def test_the_first_answer_word_waits_for_the_thinking_the_first_thought_does_not(make_llm):
    llm = thinker(make_llm, profile=PACED, sim={"think_ms": 600})
    run = ThinkingRun()
    run.start()
    for piece, text in stream_thinking(llm, QUESTION):
        run.stamp(piece, text)
    thought, answer = run.first_ms("thought"), run.first_ms("answer")
    assert thought is not None and answer is not None
    assert thought < 400 and answer - thought > 450  # ttft 50 ms, then 600 ms of thinking


# --- the demo: timing, efforts, what the page shows -------------------------------------------------


def test_thinking_run_stamps_each_text_on_its_own_recorder_with_the_timelines_clock():
    ticks = iter(range(0, 10_000_000, 1_000_000))  # one ms per clock read
    run = ThinkingRun(AgentTimeline(clock=lambda: next(ticks)))
    for piece, text in [("thought", "Hmm"), ("thought", " ok"), ("answer", "Hi")]:
        run.stamp(piece, text)
    assert [(e.kind, e.t_ms) for e in run.timeline.events] == [
        ("reasoning token", 1.0),
        ("reasoning token", 2.0),
        ("answer token", 3.0),
    ]
    thoughts, answer = run.recorders["thoughts"], run.recorders["answer"]
    assert thoughts.to_dataframe()["text"].tolist() == ["Hmm", " ok"]
    assert answer.to_dataframe()[["t_ms", "text"]].values.tolist() == [[3.0, "Hi"]]
    assert (run.first_ms("thought"), run.first_ms("answer")) == (1.0, 3.0)
    frame = arrival_frame(run.timeline)
    assert frame.to_dict("list") == {
        "t_ms": [1.0, 2.0, 3.0],
        "label": ["thoughts", "thoughts", "answer"],
        "chars": [3, 3, 2],
    }


def test_compare_efforts_when_more_effort_then_later_answers_and_more_hidden_tokens(make_llm):
    rows = list(compare_efforts(lambda **options: make_llm(model="sim-reasoning", **options), QUESTION))
    assert [row.effort for row in rows] == list(EFFORTS)
    answers = [row.first_answer_ms for row in rows]
    tokens = [row.reasoning_tokens for row in rows]
    assert answers == sorted(answers) and answers[-1] - answers[0] > 1000  # 600 ms → 2,400 ms
    assert tokens == sorted(tokens) and len(set(tokens)) == 3
    # The first thought comes just as soon whatever the effort: each before its answer, and the
    # efforts' first thoughts far closer together than their answers (ratios hold under load).
    thoughts = [row.first_thought_ms for row in rows]
    assert all(t < a for t, a in zip(thoughts, answers, strict=True)), rows
    assert max(thoughts) - min(thoughts) < 0.25 * (answers[-1] - answers[0]), rows


@pytest.mark.parametrize(
    "thoughts, heading",
    [
        ("**Understanding the question**\n\nThe question is", "Understanding the question"),
        ("**One** then **Planning: the _answer_ ![x](http://a)**", "Planning the answer xhttpa"),
        ("no heading yet", None),
        ("**:smile:**", "smile"),
        ("**!!!**", None),
    ],
)
def test_latest_heading_is_the_last_bold_line_in_plain_words(thoughts, heading):
    assert latest_heading(thoughts) == heading


@pytest.mark.parametrize(
    "usage, expected",
    [
        ({"o4-mini": {"output_token_details": {"reasoning": 76}}}, 76),
        ({"a": {"output_token_details": {"reasoning": 1}}, "b": {"output_token_details": {}}}, 1),
        ({"gpt-4o": {"output_token_details": {}}}, None),
        ({}, None),
    ],
)
def test_reasoning_tokens_adds_up_every_models_hidden_tokens(usage, expected):
    assert reasoning_tokens(usage) == expected


@pytest.mark.parametrize(
    "kind, sidebar, expected",
    [
        ("embedded", "sim-fast", SIM_MODELS),
        ("openai", "gpt-4o-mini", ("gpt-5-nano", "o4-mini")),
        ("compatible", "qwen3", ("qwen3",)),
    ],
)
def test_model_choices_follow_the_provider(kind, sidebar, expected):
    assert model_choices(kind, sidebar) == expected


# --- the page --------------------------------------------------------------------------------------


def _run(question=None, **profile):
    at = open_page(PAGE, profile={**FAST_PROFILE, **profile})
    if question is not None:
        at.text_input(key="reasoning_question").set_value(question)
    at.button(key="reasoning_run").click().run()
    assert not at.exception, at.exception
    return at


def shown(at) -> tuple[str, str, str]:
    """The status label, the thoughts and the answer, as drawn (plain text only)."""
    (status,) = at.status
    thoughts, answer = [t.value for t in at.text]
    return status.label, thoughts, answer


def test_page_thoughts_fill_a_status_then_the_answer_streams_both_timed_in_three_layers():
    at = _run()
    label, thoughts, answer = shown(at)
    timeline = at.session_state["reasoning_last"]["timeline"]
    kinds = [e.kind for e in timeline.events]
    assert kinds == sorted(kinds, key=lambda k: k != "reasoning token")  # thought → answer
    assert thoughts == timeline.text("model", "reasoning token") != ""
    assert answer == timeline.text("model") != ""
    assert thoughts.startswith("**Understanding the question**")
    assert label.startswith("Thought for ") and label.endswith(" s")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["First thought"] != "—" and metrics["First answer word"] != "—"
    assert int(metrics["Reasoning tokens (hidden, billed)"]) > 0
    thought_layers, answer_layers = layer_tables(at)  # tabs: the thoughts, then the answer
    for layers, text in ((thought_layers, thoughts), (answer_layers, answer)):
        assert list(layers.index) == [SERVER, LANGCHAIN, BROWSER]
        assert layers.loc[SERVER, "chars"] == layers.loc[LANGCHAIN, "chars"] == len(text)
        assert layers.loc[SERVER, "updates"] == layers.loc[LANGCHAIN, "updates"]
        assert pd.isna(layers.loc[BROWSER, "first token (ms)"])
    # The server sent the last thought before the first answer word, in both clocks.
    for layer in (SERVER, LANGCHAIN):
        last_thought, first_word = thought_layers.loc[layer, "last token (ms)"], answer_layers.loc[layer]
        assert last_thought <= first_word["first token (ms)"]
    assert "reasoning" in at.session_state["lessons_run"]

    at.run()  # e.g. the browser's report: the last run is drawn again from what it kept
    assert not at.exception
    assert shown(at) == (label, thoughts, answer)
    assert {m.label: m.value for m in at.metric} == metrics


def test_page_compare_the_efforts_fills_one_row_per_effort():
    at = open_page(PAGE)
    at.button(key="reasoning_efforts_run").click().run()
    assert not at.exception, at.exception
    (table,) = [d.value for d in at.dataframe if "effort" in d.value.columns]
    assert table["effort"].tolist() == list(EFFORTS)
    assert table["reasoning tokens"].is_monotonic_increasing
    assert table["first answer word (ms)"].is_monotonic_increasing
    assert layer_tables(at) == []  # LangChain's clock only: nothing is drawn token by token


def test_page_without_a_question_runs_nothing():
    at = _run(question="")
    assert "prompt is empty" in at.error[0].value
    assert not at.status and not at.metric


def test_page_a_provider_error_is_explained_in_the_status_not_raised():
    at = _run(sim_fault="500")
    assert "internal error (HTTP 500)" in at.error[0].value
    (status,) = at.status
    assert status.label == "Stopped"
    assert layer_tables(at) == []  # nothing arrived: no layers to compare
