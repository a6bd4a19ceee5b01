"""Each common mistake and its fix, against the installed langchain-core / langchain-openai.

The wrong and the right version are run the same way; the tests pin the concrete difference
the page teaches, so a library upgrade that changes it turns a test red.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.prompt_values import ChatPromptValue
from langchain_core.runnables import RunnableConfig, RunnableGenerator, RunnableLambda

from streamlab.client.async_bridge import catch_error, iterate_sync, run_sync
from streamlab.recipes import common_mistakes as mistakes
from streamlab.sim.answers import LatencyProfile

ANSWER = "Streaming sends partial output early."
SLOW = LatencyProfile(ttft_ms=100, tokens_per_s=100, jitter_ms=0, seed=3)


@pytest.fixture
def llm(make_llm):
    return make_llm(sim={"text": ANSWER})


# --- printing chunk vs chunk.content


def test_print_chunk_writes_the_pydantic_repr_not_the_text(llm, capsys):
    printed = list(mistakes.print_chunks(llm, "hi"))
    chunk = next(c for c in llm.stream("hi") if c.content)
    print(chunk)
    assert capsys.readouterr().out == str(chunk) + "\n"  # print(chunk) is str(chunk)
    assert str(chunk).startswith(f"content={chunk.content!r} additional_kwargs={{}}")
    assert all("additional_kwargs={}" in line for line in printed)
    assert all("response_metadata=" in line for line in printed)
    assert "".join(printed) != ANSWER


def test_print_content_writes_exactly_the_answer_text(llm):
    contents = list(mistakes.print_contents(llm, "hi"))
    assert "".join(contents) == ANSWER
    assert not any("additional_kwargs" in piece for piece in contents)
    assert len(contents) > 3


# --- prompt / lambda vs generator


def test_prompt_stream_yields_one_finished_prompt_value():
    chunks = list(mistakes.build_prompt().stream({"topic": "RAG"}))
    assert len(chunks) == 1
    assert isinstance(chunks[0], ChatPromptValue)
    assert chunks[0].to_string() == "Human: Explain RAG briefly."


def _timed(chunks) -> list[tuple[object, float]]:
    start = time.perf_counter()
    return [(chunk, time.perf_counter() - start) for chunk in chunks]


def test_lambda_yields_one_chunk_at_the_end_and_generator_yields_one_per_word():
    text = "one two three four five"
    lam = _timed(mistakes.build_shout_lambda().stream(text))
    gen = _timed(mistakes.build_shout_generator().stream(text))
    assert [c for c, _ in lam] == ["ONE TWO THREE FOUR FIVE"]
    assert [c for c, _ in gen] == ["ONE ", "TWO ", "THREE ", "FOUR ", "FIVE "]
    assert lam[0][1] > 0.12  # 5 × 30 ms of work before the only chunk
    assert gen[0][1] < lam[0][1] / 2  # the first word leaves long before the end


# --- one plain step after the model


def test_plain_step_after_the_model_collapses_the_stream_to_one_chunk(llm):
    chain = mistakes.build_with_plain_step(llm)
    assert isinstance(chain.last, RunnableLambda)
    assert list(chain.stream({"topic": "RAG"})) == [ANSWER]


def test_generator_step_after_the_model_keeps_streaming(llm):
    chain = mistakes.build_with_generator_step(llm)
    assert isinstance(chain.last, RunnableGenerator)
    chunks = list(chain.stream({"topic": "RAG"}))
    assert "".join(chunks) == ANSWER
    assert len([c for c in chunks if c]) > 3


# --- config not passed to a model called from your own thread


def _ui_pieces(chain) -> list[str]:
    return list(iterate_sync(mistakes.chat_ui_text(chain, "hi")))


def test_without_config_in_own_thread_no_token_reaches_the_event_stream(llm):
    pieces = _ui_pieces(mistakes.build_thread_without_config(llm))
    assert pieces == [ANSWER]  # one piece: the final answer, all at once


def test_with_config_in_own_thread_tokens_reach_the_event_stream(llm):
    pieces = _ui_pieces(mistakes.build_thread_with_config(llm))
    assert "".join(pieces) == ANSWER
    assert len([p for p in pieces if p]) > 3


def test_in_the_same_thread_config_travels_without_being_passed(llm):
    # Python >= 3.11 + langchain-core: the run's config is a context variable, copied
    # into the executor that runs a sync lambda, so `llm.invoke(x)` streams here anyway.
    pieces = _ui_pieces(mistakes.build_same_thread(llm))
    assert "".join(pieces) == ANSWER
    assert len([p for p in pieces if p]) > 3


def test_thread_variants_count_stream_events(llm):
    async def stream_events(chain) -> int:
        events = [e["event"] async for e in chain.astream_events("hi", version="v2")]
        return events.count("on_chat_model_stream")

    assert run_sync(stream_events(mistakes.build_thread_without_config(llm))) == 0
    assert run_sync(stream_events(mistakes.build_thread_with_config(llm))) > 3


# --- sync .stream() inside async def


def test_sync_stream_in_async_code_starves_the_loop_and_astream_does_not(make_llm):
    llm = make_llm(profile=SLOW, max_tokens=30)
    _, blocked_ticks, blocked_s = run_sync(mistakes.count_ticks(mistakes.answer_blocking, llm, "hi"))
    text, free_ticks, free_s = run_sync(mistakes.count_ticks(mistakes.answer_async, llm, "hi"))
    assert blocked_s > 0.2 and free_s > 0.2  # both streams really took time
    assert len(blocked_ticks) <= 1  # the ticker never ran while .stream() held the loop
    assert len(free_ticks) >= max(5, 0.2 * free_s / 0.02)  # generous: CI machines are busy
    assert text


# --- forgetting async for


def test_plain_for_over_astream_raises_type_error(llm, server_stats):
    before = server_stats()["requests"]
    result, error = catch_error(mistakes.read_astream_with_for, llm, "hi")
    assert result is None
    assert isinstance(error, TypeError)
    assert str(error) == "'async_generator' object is not iterable"
    assert server_stats()["requests"] == before  # nothing was sent


def test_async_for_reads_the_stream(llm):
    pieces = list(iterate_sync(mistakes.read_astream_with_async_for(llm, "hi")))
    assert "".join(pieces) == ANSWER
    assert len([p for p in pieces if p]) > 3


# --- streaming=True myths


def test_unset_streaming_flag_streams_and_explicit_false_gives_one_chunk(make_llm):
    unset = list(mistakes.stream_answer(make_llm(sim={"text": ANSWER}), "hi"))
    false = list(mistakes.stream_answer(make_llm(sim={"text": ANSWER}, streaming=False), "hi"))
    true = list(mistakes.stream_answer(make_llm(sim={"text": ANSWER}, streaming=True), "hi"))
    assert len(false) == 1 and false[0].content == ANSWER
    assert type(false[0]) is AIMessage  # the invoke() result, not a chunk
    assert all(isinstance(c, AIMessageChunk) for c in unset)
    assert len([c for c in unset if c.content]) > 3
    assert len(true) == len(unset)


def test_streaming_true_makes_invoke_fire_token_callbacks(make_llm):
    assert mistakes.count_invoke_tokens(make_llm(sim={"text": ANSWER}), "hi") == 0
    assert mistakes.count_invoke_tokens(make_llm(sim={"text": ANSWER}, streaming=True), "hi") > 3


def test_disable_streaming_also_gives_one_chunk(make_llm):
    chunks = list(mistakes.stream_answer(make_llm(sim={"text": ANSWER}, disable_streaming=True), "hi"))
    assert len(chunks) == 1 and chunks[0].content == ANSWER


def test_run_in_executor_also_loses_the_config_unless_passed(llm):
    async def without_config(question: str):
        return await asyncio.get_running_loop().run_in_executor(None, llm.invoke, question)

    async def with_config(question: str, config: RunnableConfig):
        return await asyncio.get_running_loop().run_in_executor(None, llm.invoke, question, config)

    async def stream_events(fn) -> int:
        events = [e["event"] async for e in RunnableLambda(fn).astream_events("hi", version="v2")]
        return events.count("on_chat_model_stream")

    assert run_sync(stream_events(without_config)) == 0
    assert run_sync(stream_events(with_config)) > 3
