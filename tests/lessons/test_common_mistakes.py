"""Lesson "Common mistakes": each mistake and its fix as recipes against the installed langchain-core
/ langchain-openai, then the page under AppTest (one page run per demo and scenario).

The wrong and the right version are run the same way; the tests pin the concrete difference the
page teaches, so a library upgrade that changes it turns a test red. The demos about *when* text
arrives measure both sides in three layers; AppTest runs no JavaScript, so the browser layer
stays empty here (tests/e2e/test_lessons_browser.py covers it in chromium).
"""

from __future__ import annotations

import asyncio
import time

import pandas as pd
import pytest
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.prompt_values import ChatPromptValue
from langchain_core.runnables import RunnableConfig, RunnableGenerator, RunnableLambda

from streamlab.client.async_bridge import catch_error, iterate_sync, run_sync
from streamlab.measure.layers import BROWSER, LANGCHAIN, SERVER
from streamlab.recipes import common_mistakes as mistakes
from streamlab.sim.answers import LatencyProfile
from tests.support.apptest import FAST_PROFILE, layer_tables, open_page, texts

ANSWER = "Streaming sends partial output early."
SLOW = LatencyProfile(ttft_ms=100, tokens_per_s=100, jitter_ms=0, seed=3)
PAGE = "lessons/11_common_mistakes.py"
NAMES = ["print", "lambda", "plain_step", "config", "sync_in_async", "async_for", "streaming_flag"]
FIRST, LAST, UPDATES, CHARS = "first token (ms)", "last token (ms)", "updates", "chars"
# Slow enough that "while the server still sends" is measurable (60 tokens take ~150 ms).
STREAMING = {**FAST_PROFILE, "sim_tokens_per_s": 400.0}
TYPE_ERROR = "TypeError: 'async_generator' object is not iterable"


@pytest.fixture
def llm(make_llm):
    return make_llm(sim={"text": ANSWER})


# --- recipes: printing chunk vs chunk.content


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


def _slow_words(_: object) -> object:
    for word in "one two three four five".split():
        time.sleep(0.04)  # a stream that takes 200 ms, like a model's
        yield word + " "


def _upper_all(text: str) -> object:
    for word in text.split():
        yield word.upper() + " "


@pytest.mark.parametrize(
    "step, streams",
    [
        (mistakes.build_shout_generator(), True),  # the page's fix: RunnableGenerator
        (mistakes.shout_words, True),  # a bare generator function, coerced to RunnableGenerator
        (RunnableLambda(_upper_all), False),  # a generator inside RunnableLambda: waits for all
    ],
    ids=["RunnableGenerator", "bare generator", "RunnableLambda(generator)"],
)
def test_claim_after_a_stream_only_runnable_generator_or_a_bare_generator_keeps_streaming(step, streams):
    chain = RunnableLambda(lambda x: x) | RunnableGenerator(_slow_words) | step
    timed = _timed(chain.stream("go"))
    assert "".join(c for c, _ in timed).split() == ["ONE", "TWO", "THREE", "FOUR", "FIVE"]
    assert len(timed) == 5  # several chunks either way: only *when* they come differs
    first_s, last_s = timed[0][1], timed[-1][1]
    # The source takes 0.2 s for its five words: a stream shows the first long before the last;
    # a step that waits for all of them yields all five together (a ratio holds on a loaded box).
    assert (first_s < 0.5 * last_s) is streams, timed


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


# --- the page --------------------------------------------------------------------------------------


def run_demo(name: str, *, question: str | None = None, profile: dict | None = None):
    """Open the page, press one demo's Run; returns the page and what the run kept."""
    at = open_page(PAGE, profile=profile)
    if question is not None:
        at.text_input(key="mist_question").set_value(question)
    at.button(key=f"mist_{name}_run").click().run()
    assert not at.exception, at.exception
    return at, at.session_state[f"mist_{name}_last"]


def timed_sides(at) -> list[pd.DataFrame]:
    """The two sides' three-layer tables (mistake, fix), checked for what every lane shows."""
    tables = layer_tables(at)
    assert len(tables) == 2, "one three-layer table per side, for this demo only"
    for table in tables:
        assert list(table.index) == [SERVER, LANGCHAIN, BROWSER]
        assert table.loc[SERVER, FIRST] <= table.loc[LANGCHAIN, FIRST]
        assert pd.isna(table.loc[BROWSER, FIRST])
    assert "needs a real browser tab" in texts(at)
    return tables


def test_page_when_opened_then_every_demo_has_a_tab_a_run_button_and_the_seed_correction():
    at = open_page(PAGE)
    assert not at.exception
    assert len(at.tabs) == len(NAMES)
    for name in NAMES:
        assert at.button(key=f"mist_{name}_run")
    assert "The seed says" in at.warning[0].value
    assert "yield str(chunk)" in texts(at)  # the recipes' source is on the page


def test_print_demo_when_run_then_chunk_shows_reprs_and_content_shows_text_untimed():
    at, saved = run_demo("print")
    wrong, right = saved["pair"]
    assert "additional_kwargs={}" in wrong.text
    assert wrong.text.count("content=") == wrong.summary["chunks"] > 10
    assert "additional_kwargs" not in right.text
    assert wrong.summary["Characters printed"] > 5 * right.summary["Characters printed"]
    assert "content='" in texts(at)
    assert not layer_tables(at)  # not about arrival: no layers
    assert "common_mistakes" in at.session_state["lessons_run"]


def test_lambda_demo_when_run_then_lambda_is_one_chunk_and_generator_one_per_word():
    at, saved = run_demo("lambda", question="one two three four")
    wrong, right = saved["pair"]
    assert wrong.text == "ONE TWO THREE FOUR"
    assert wrong.summary["content_chunks"] == 1
    assert right.summary["content_chunks"] == 4
    assert "ChatPromptValue" in texts(at)
    assert not layer_tables(at)


def test_plain_step_demo_when_run_then_langchain_gets_the_text_only_after_the_server_finished():
    at, saved = run_demo("plain_step", profile=STREAMING)
    wrong, right = saved["pair"]
    assert wrong.summary["content_chunks"] == 1
    assert right.summary["content_chunks"] > 10
    assert wrong.text == right.text
    mistake, fix = timed_sides(at)
    assert mistake.loc[SERVER, UPDATES] > 10 and mistake.loc[LANGCHAIN, UPDATES] == 1
    assert mistake.loc[LANGCHAIN, FIRST] >= mistake.loc[SERVER, LAST]
    assert fix.loc[LANGCHAIN, UPDATES] == fix.loc[SERVER, UPDATES] > 10
    assert fix.loc[LANGCHAIN, FIRST] < fix.loc[SERVER, LAST]
    assert fix.loc[LANGCHAIN, CHARS] == fix.loc[SERVER, CHARS]


def test_config_demo_when_run_then_without_config_invoke_does_not_even_stream_at_the_server():
    at, saved = run_demo("config", profile=STREAMING)
    wrong, right = saved["pair"]
    assert wrong.summary["content_chunks"] == 1  # the final answer, all at once
    assert right.summary["content_chunks"] > 10
    assert saved["control"] > 10  # same thread: streams without config
    assert "Control:" in "\n".join(i.value for i in at.info)
    # No callbacks reach the model's invoke(), so it sends a non-streaming request: one update.
    mistake, fix = timed_sides(at)
    for layer in (SERVER, LANGCHAIN):
        assert mistake.loc[layer, UPDATES] == 1
    assert fix.loc[SERVER, UPDATES] == fix.loc[LANGCHAIN, UPDATES] > 10
    assert fix.loc[LANGCHAIN, FIRST] < fix.loc[SERVER, LAST]
    assert mistake.loc[LANGCHAIN, CHARS] == fix.loc[LANGCHAIN, CHARS]  # the same answer


def test_sync_in_async_demo_when_run_then_the_sync_stream_gets_no_ticks():
    at, saved = run_demo("sync_in_async")
    wrong, right = saved["pair"]
    assert wrong.summary["total_ms"] > 200 and right.summary["total_ms"] > 200
    assert wrong.summary["Ticks"] <= 1
    assert right.summary["Ticks"] >= max(5, 0.2 * right.summary["Expected"])
    assert not layer_tables(at)


def test_async_for_demo_when_run_then_shows_the_type_error_and_it_survives_a_run_in_another_tab():
    at, saved = run_demo("async_for")
    wrong, right = saved["pair"]
    assert wrong.text == TYPE_ERROR
    assert wrong.text in texts(at)
    assert right.summary["content_chunks"] > 10
    assert not layer_tables(at)
    at.button(key="mist_lambda_run").click().run()
    assert not at.exception
    assert TYPE_ERROR in texts(at)
    assert at.session_state["mist_async_for_last"]["pair"][0].text == TYPE_ERROR


def test_streaming_flag_demo_when_run_then_false_is_one_update_in_every_layer_and_unset_streams():
    at, saved = run_demo("streaming_flag")
    wrong, right = saved["pair"]
    assert wrong.summary["chunks"] == 1
    assert right.summary["content_chunks"] > 10
    counts = saved["invoke_tokens"]
    assert counts["unset"] == 0 and counts["streaming=True"] > 10
    mistake, fix = timed_sides(at)
    assert mistake.loc[SERVER, UPDATES] == mistake.loc[LANGCHAIN, UPDATES] == 1
    assert fix.loc[SERVER, UPDATES] == fix.loc[LANGCHAIN, UPDATES] > 10
    assert mistake.loc[SERVER, CHARS] == mistake.loc[LANGCHAIN, CHARS]


def test_timed_demo_when_rerun_then_both_sides_and_their_layers_are_redrawn():
    answer = "Same short answer here."
    at, _ = run_demo("streaming_flag", profile={**FAST_PROFILE, "sim_text": answer})
    at.run()  # e.g. the browser's report
    assert not at.exception
    assert [t.loc[LANGCHAIN, CHARS] for t in timed_sides(at)] == [len(answer)] * 2
    assert [m.value for m in at.markdown].count(answer) == 2


@pytest.mark.parametrize("name", ["print", "config"])
def test_demo_when_the_question_is_empty_then_it_is_refused(name):
    at = open_page(PAGE)
    at.text_input(key="mist_question").set_value("  ")
    at.button(key=f"mist_{name}_run").click().run()
    assert not at.exception
    assert "prompt is empty" in at.error[0].value
    assert f"mist_{name}_last" not in at.session_state


@pytest.mark.parametrize("name", ["print", "plain_step", "config", "sync_in_async", "streaming_flag"])
def test_demo_when_the_provider_fails_then_the_error_is_explained_and_nothing_is_kept(name):
    at, saved = run_demo(name, profile={**FAST_PROFILE, "sim_fault": "500"})
    assert any("internal error (HTTP 500)" in e.value for e in at.error)
    assert saved["pair"] is None
    assert not layer_tables(at)
