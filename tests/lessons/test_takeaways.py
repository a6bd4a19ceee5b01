"""Lesson "Takeaways & quiz": the four chains behind "enabled at the LLM level" (recipe), the quiz's
structure, scoring and every right answer re-checked live (demo), then the page under AppTest.

The `test_claim_*` tests run the behaviour each right answer (and its explanation) describes
against the installed libraries, so a LangChain upgrade that changes it turns a test red.
"""

from __future__ import annotations

import asyncio
import functools
import operator
import warnings

import pytest
from langchain_core._api.beta_decorator import LangChainBetaWarning
from langchain_core.language_models import LLM
from langchain_core.messages import AIMessageChunk
from langchain_core.output_parsers import StrOutputParser
from langchain_core.outputs import GenerationChunk
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableLambda, RunnableParallel
from langgraph.checkpoint.memory import InMemorySaver

from components.views.takeaways import TIMED
from streamlab.client.async_bridge import catch_error, run_sync
from streamlab.demos.human_in_the_loop import QUESTION as BOOKING
from streamlab.demos.takeaways import QUESTIONS, Question, Score, is_correct, score
from streamlab.recipes import common_mistakes as mistakes
from streamlab.recipes.agent_events import read_messages, read_values
from streamlab.recipes.agent_streaming import ask, stream_agent
from streamlab.recipes.human_in_the_loop import (
    approve,
    ask_agent,
    build_careful_agent,
    resume_agent,
    waiting_for,
)
from streamlab.recipes.reasoning import stream_thinking, thinking
from streamlab.recipes.seed_to_agents import stream_steps
from streamlab.recipes.subagents import build_team, stream_team, stream_team_flat
from streamlab.recipes.takeaways import CHAINS, build_with_plain_function, count_text_chunks
from streamlab.recipes.tool_calls import add_up, bind_weather_tool, stream_tool_call
from streamlab.sim.answers import LatencyProfile
from tests.support.agents import QUESTION, agent_on
from tests.support.apptest import FAST_PROFILE, open_page, texts

PAGE = "lessons/15_takeaways.py"
BY_ID = {q.id: q for q in QUESTIONS}
SLOW = LatencyProfile(ttft_ms=50, tokens_per_s=100, jitter_ms=0, seed=3)


class TextLLM(LLM):
    """A minimal plain-text LLM that streams (a completion model, not a chat model)."""

    @property
    def _llm_type(self) -> str:
        return "text-llm"

    def _call(self, prompt, stop=None, run_manager=None, **kwargs) -> str:
        return "abc"

    def _stream(self, prompt, stop=None, run_manager=None, **kwargs):
        for letter in "abc":
            yield GenerationChunk(text=letter)


def right(question_id: str) -> str:
    question = BY_ID[question_id]
    return question.options[question.answer]


# --- the quiz: structure


def test_quiz_has_six_to_ten_well_formed_questions():
    assert 6 <= len(QUESTIONS) <= 16  # the agents track (LangChain 1.x) adds its own
    assert len(BY_ID) == len(QUESTIONS)  # ids are unique: they are widget keys
    for q in QUESTIONS:
        assert q.id.isidentifier()
        assert 0 <= q.answer < len(q.options) and len(set(q.options)) == len(q.options) >= 3
        assert q.explanation and q.prompt
        assert q.lesson in {x.id for x in TIMED}


def test_right_answers_are_not_always_in_the_same_place():
    assert len({q.answer for q in QUESTIONS}) == 3


def test_every_question_has_a_live_claim_test():
    claims = {name.removeprefix("test_claim_") for name in globals() if name.startswith("test_claim_")}
    assert claims == set(BY_ID)


# --- the agents track: claims checked against the installed langchain / langgraph


def test_claim_agent_tokens(make_llm):
    assert right("agent_tokens").startswith("`messages`")
    seen = list(stream_agent(agent_on(make_llm), QUESTION, ["updates", "messages"]))
    chunks = [data[0] for mode, data in seen if mode == "messages"]
    tokens = [c.text for c in chunks if isinstance(c, AIMessageChunk) and c.text]
    answers = [d["model"]["messages"][-1].text for m, d in seen if m == "updates" and "model" in d]
    assert len(tokens) > 5 and answers[-1] == "".join(tokens)  # updates: the whole answer, once


def test_claim_v3_readers(make_llm):
    assert right("v3_readers") == "Every item of its own projection"
    seen: dict[str, list] = {"values": [], "text": []}

    async def both():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", LangChainBetaWarning)
            run = await agent_on(make_llm).astream_events(ask(QUESTION), version="v3")
        keep = lambda name, item: seen.setdefault(name, []).append(item)  # noqa: E731
        await asyncio.gather(read_values(run, keep), read_messages(run, keep))
        return await run.output()

    final = run_sync(both())
    assert [len(s["messages"]) for s in seen["values"]] == [1, 2, 4, 5]
    assert "".join(seen["text"]) == final["messages"][-1].text


def test_claim_parallel_tools(make_llm):
    assert right("parallel_tools").startswith("One `tools` update per call")
    steps = list(stream_steps(agent_on(make_llm), QUESTION))
    tools = [s["tools"]["messages"][-1].name for s in steps if "tools" in s]
    assert tools == ["get_local_time", "get_weather"]  # asked second, finished first


def test_claim_reasoning_first(make_llm):
    assert right("reasoning_first").startswith("The summary's pieces")
    llm = make_llm(model="sim-reasoning", **thinking("low"))
    kinds = [kind for kind, _ in stream_thinking(llm, "Explain RAG")]
    first_answer = kinds.index("answer")
    assert first_answer > 0 and set(kinds[:first_answer]) == {"thought"}
    assert set(kinds[first_answer:]) == {"answer"}


def test_claim_interrupt_stream(make_llm):
    assert right("interrupt_stream").startswith("It yields `{'__interrupt__'")
    agent = build_careful_agent(make_llm(), InMemorySaver())
    parts = list(ask_agent(agent, BOOKING, "quiz"))  # returned normally: no exception
    assert list(parts[-1][1]) == ["__interrupt__"] and len(waiting_for(agent, "quiz")) == 1
    resumed = list(resume_agent(agent, [approve()], "quiz"))
    assert resumed and waiting_for(agent, "quiz") == ()


def test_claim_subgraph_tokens(make_llm):
    assert right("subgraph_tokens").startswith("Each agent's messages whole")
    team = build_team(make_llm(), make_llm())
    flat = list(stream_team_flat(team, QUESTION))
    assert "custom" not in {mode for mode, _ in flat}
    assert not any(isinstance(data[0], AIMessageChunk) for mode, data in flat if mode == "messages")
    nested = list(stream_team(team, QUESTION))
    assert any(ns and mode == "messages" and data[0].text for ns, mode, data in nested)


# --- checking and scoring


@pytest.mark.parametrize(
    ("choice", "expected"),
    [("B", True), ("A", False), (None, False), ("b", False)],
)
def test_is_correct_compares_with_the_right_option(choice, expected):
    question = Question("q", "?", ("A", "B", "C"), 1, "because", "overview")
    assert is_correct(question, choice) is expected


@pytest.mark.parametrize(
    ("results", "expected"),
    [
        ({}, Score(0, 0, len(QUESTIONS))),
        ({QUESTIONS[0].id: True, QUESTIONS[1].id: False}, Score(1, 2, len(QUESTIONS))),
        ({q.id: True for q in QUESTIONS}, Score(len(QUESTIONS), len(QUESTIONS), len(QUESTIONS))),
        ({"not_a_question": True}, Score(0, 0, len(QUESTIONS))),
    ],
)
def test_score_counts_right_and_checked_answers(results, expected):
    assert score(results) == expected


def test_score_label():
    assert Score(3, 4, 9).label == "3 / 9"


# --- every right answer, live


def test_claim_streaming_flag(make_llm):
    assert right("streaming_flag").startswith("Many `AIMessageChunk`s")
    unset = list(make_llm().stream("hi"))
    assert len([c for c in unset if c.content]) > 10
    assert len(list(make_llm(streaming=False).stream("hi"))) == 1
    assert mistakes.count_invoke_tokens(make_llm(streaming=True, max_tokens=10), "hi") > 3


def test_claim_plain_step(make_llm):
    assert right("plain_step") == "One chunk with the whole text, at the end"
    prompt = ChatPromptTemplate.from_template("{x}")
    llm = make_llm()
    plain = list((prompt | llm | (lambda m: m.content)).stream("hi"))
    assert len(plain) == 1 and len(plain[0]) > 50
    parsed = list((prompt | llm | StrOutputParser()).stream("hi"))
    assert len([c for c in parsed if c]) > 10


def test_claim_print_chunk(make_llm):
    assert "additional_kwargs" in right("print_chunk")
    chunk = next(c for c in make_llm().stream("hi") if c.content)
    assert str(chunk).startswith(f"content={chunk.content!r} additional_kwargs={{}} response_metadata=")


def test_claim_sync_in_async(make_llm):
    assert right("sync_in_async").startswith("0 ticks")
    llm = make_llm(profile=SLOW, max_tokens=20)

    async def in_thread(llm, question):  # the explanation's other fix
        return await asyncio.to_thread(lambda: "".join(c.content for c in llm.stream(question)))

    _, blocked, _ = run_sync(mistakes.count_ticks(mistakes.answer_blocking, llm, "hi"))
    _, threaded, elapsed = run_sync(mistakes.count_ticks(in_thread, llm, "hi"))
    assert len(blocked) <= 1
    assert len(threaded) >= max(3, 0.2 * elapsed / 0.02)


def test_claim_async_for(make_llm):
    assert right("async_for") == "`TypeError: 'async_generator' object is not iterable`"
    _, error = catch_error(mistakes.read_astream_with_for, make_llm(), "hi")
    assert f"`{type(error).__name__}: {error}`" == right("async_for")


def test_claim_config(make_llm):
    assert right("config").startswith("No `on_chat_model_stream` events")
    llm = make_llm(max_tokens=10)

    async def count(chain) -> int:
        return [e["event"] async for e in chain.astream_events("hi", version="v2")].count(
            "on_chat_model_stream"
        )

    assert run_sync(count(mistakes.build_thread_without_config(llm))) == 0
    assert run_sync(count(mistakes.build_thread_with_config(llm))) > 3
    assert run_sync(count(mistakes.build_same_thread(llm))) > 3  # "in the same thread: by itself"


def test_claim_tool_call_args(make_llm):
    assert '{"cit' in right("tool_call_args")
    chunks = list(stream_tool_call(bind_weather_tool(make_llm()), "Weather in Paris for 2 days?"))
    pieces = [c.tool_call_chunks[0]["args"] for c in chunks if c.tool_call_chunks]
    assert '{"cit' in pieces
    assert add_up(chunks).tool_calls[0]["args"] == {"city": "Paris", "days": 2}


def test_claim_chat_model_event(make_llm):
    assert right("chat_model_event") == "`on_chat_model_stream`"
    llm = make_llm(max_tokens=5)

    async def names(runnable, **filters) -> list[str]:
        return [e["event"] async for e in runnable.astream_events("hi", version="v2", **filters)]

    chat = run_sync(names(llm))
    assert "on_chat_model_stream" in chat and "on_llm_stream" not in chat
    assert run_sync(names(llm, include_types=["llm"])) == []
    assert "on_llm_stream" in run_sync(names(TextLLM()))  # a plain-text (completion) LLM


def test_claim_parallel_chunks(make_llm):
    assert right("parallel_chunks").startswith("one-key dicts")
    llm = make_llm(profile=SLOW, max_tokens=10)
    chunks = list(RunnableParallel(short=llm, detailed=llm).stream("hi"))
    assert all(len(chunk) == 1 for chunk in chunks)
    keys = [next(iter(chunk)) for chunk in chunks]
    # Interleaved: one branch's first chunk comes before the other's last (they run at once).
    last = {key: len(keys) - 1 - keys[::-1].index(key) for key in ("short", "detailed")}
    assert keys.index("detailed") < last["short"] and keys.index("short") < last["detailed"]
    total = functools.reduce(operator.add, chunks)
    assert set(total) == {"short", "detailed"}
    assert total["short"].content and total["detailed"].content


def test_takeaway_stream_opens_and_closes_with_empty_chunks(make_llm):
    chunks = list(make_llm(max_tokens=5).stream("hi"))
    assert chunks[0].content == "" and chunks[-1].content == ""
    assert len(chunks) > len([c for c in chunks if c.content])  # chunks are not tokens


# --- the four chains (recipe) -----------------------------------------------------------------


def test_only_the_plain_function_after_the_model_collapses_to_one_chunk(make_llm):
    llm = make_llm(max_tokens=20)
    counts = {name: count_text_chunks(build(llm), "Explain RAG") for name, build in CHAINS.items()}
    assert counts == {
        "llm (streaming unset)": 20,
        "prompt | llm": 20,
        "llm | StrOutputParser()": 20,
        "llm | plain function": 1,
    }
    assert "streaming" not in llm.model_fields_set  # nothing was switched on


def test_plain_function_step_is_a_runnable_lambda_that_returns_the_text(make_llm):
    chain = build_with_plain_function(make_llm(sim={"text": "Hello there."}))
    assert isinstance(chain.last, RunnableLambda)
    assert chain.invoke("hi") == "Hello there."


# --- the page -----------------------------------------------------------------------------------


def _progress_texts(at) -> list[str]:
    return [p.proto.text for p in at.get("progress")]


def test_page_shows_takeaways_the_seed_correction_and_empty_progress():
    at = open_page(PAGE)
    assert not at.exception
    assert "enabled at the" in at.warning[0].value and "Actually" in at.warning[0].value
    assert f"0 of {len(TIMED)} lessons run" in _progress_texts(at)
    progress = [x for x in at.get("page_link") if not x.proto.label.startswith(("Previous:", "Next:"))]
    assert len(progress) == len(TIMED)  # one per lesson; the others go to the lessons around it
    assert {m.label: m.value for m in at.metric}["Quiz score"] == f"0 / {len(QUESTIONS)}"


def test_progress_counts_lessons_marked_as_run():
    at = open_page(PAGE)
    at.session_state["lessons_run"] = {"overview", "tool_calls", "common_mistakes"}
    at.run()
    assert not at.exception
    assert f"3 of {len(TIMED)} lessons run" in _progress_texts(at)
    labels = [link.proto.label for link in at.get("page_link")]
    assert "Streaming tool calls: run" in labels and "RunnableParallel: not run yet" in labels


def test_checking_answers_scores_them_and_explains_wrong_ones():
    at = open_page(PAGE)
    first, second = QUESTIONS[0], QUESTIONS[1]
    at.radio(key=f"quiz_{first.id}").set_value(first.options[first.answer])
    at.button(key=f"quiz_{first.id}_check").click().run()
    wrong = next(o for i, o in enumerate(second.options) if i != second.answer)
    at.radio(key=f"quiz_{second.id}").set_value(wrong)
    at.button(key=f"quiz_{second.id}_check").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Right."]
    assert at.error[0].value == f"Not quite. {second.explanation}"
    assert at.session_state["quiz_results"] == {first.id: True, second.id: False}
    assert at.session_state["quiz_score"] == 1
    assert {m.label: m.value for m in at.metric}["Quiz score"] == f"1 / {len(QUESTIONS)}"


def test_check_without_a_choice_asks_for_one_and_a_new_choice_clears_the_verdict():
    at = open_page(PAGE)
    question = QUESTIONS[2]
    at.button(key=f"quiz_{question.id}_check").click().run()
    assert "Pick an answer first." in [w.value for w in at.warning]
    at.radio(key=f"quiz_{question.id}").set_value(question.options[question.answer])
    at.button(key=f"quiz_{question.id}_check").click().run()
    assert at.session_state["quiz_results"] == {question.id: True}
    at.radio(key=f"quiz_{question.id}").set_value(question.options[question.answer - 1]).run()
    assert at.session_state["quiz_results"] == {}
    assert not at.success


def test_run_when_pressed_then_only_the_plain_function_chain_collapses():
    at = open_page(PAGE)
    at.button(key="takeaways_run").click().run()
    assert not at.exception
    counts = at.session_state["takeaways_last"]["counts"]
    assert counts["llm | plain function"] == 1
    assert all(count > 10 for name, count in counts.items() if name != "llm | plain function")
    assert "return llm | message_text" in texts(at)
    assert [c.key for c in at.get("plotly_chart")] == ["takeaways_counts_chart"]
    at.run()  # any other rerun redraws the kept counts
    assert [c.key for c in at.get("plotly_chart")] == ["takeaways_counts_chart"]


def test_run_when_the_provider_fails_then_the_error_is_explained_and_no_chart_is_drawn():
    at = open_page(PAGE, profile={**FAST_PROFILE, "sim_fault": "500"})
    at.button(key="takeaways_run").click().run()
    assert not at.exception
    assert "internal error (HTTP 500)" in at.error[0].value
    assert at.session_state["takeaways_last"]["counts"] is None
    assert not at.get("plotly_chart")
