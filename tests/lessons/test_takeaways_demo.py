"""The quiz: its structure, answer checking and scoring, and every right answer re-checked live.

The `test_claim_*` tests run the behaviour each right answer (and its explanation) describes
against the installed libraries, so a LangChain upgrade that changes it turns a test red.
"""

from __future__ import annotations

import asyncio
import functools
import operator

import pytest
from langchain_core.language_models import LLM
from langchain_core.output_parsers import StrOutputParser
from langchain_core.outputs import GenerationChunk
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableParallel

from components.views.takeaways import TIMED
from streamlab.client.async_bridge import catch_error, run_sync
from streamlab.demos.takeaways import QUESTIONS, Question, Score, is_correct, score
from streamlab.recipes import common_mistakes as mistakes
from streamlab.recipes.tool_calls import add_up, bind_weather_tool, stream_tool_call
from streamlab.sim.answers import LatencyProfile

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


# --- structure


def test_quiz_has_six_to_ten_well_formed_questions():
    assert 6 <= len(QUESTIONS) <= 10
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
