"""RunnableSequence lesson: what each step after (or before) the model does to the stream.

Every variant runs once against the real ChatOpenAI → embedded simulator with a small latency,
so "first text before / after the model finished" is a real, measurable difference.
"""

from __future__ import annotations

import pytest
from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables import RunnableGenerator, RunnableLambda

from streamlab.client.providers import build_chat_model, embedded_config
from streamlab.measure.streamability import measure
from streamlab.recipes import sequence as recipes
from streamlab.sim.answers import LatencyProfile

# ~73 tokens at 150 tokens/s: a ~0.5 s stream, long enough that a loaded CI machine stalling for
# 100 ms cannot make a stream look like a burst.
TIMED = LatencyProfile(ttft_ms=40, tokens_per_s=150, jitter_ms=0, seed=3)
TOPIC = "Runnable streaming"
STREAMING = ["seed chain (ends in the LLM)", "+ RunnableGenerator", "+ bare generator function",
             "+ StrOutputParser()"]  # fmt: skip


@pytest.fixture(scope="module")
def llm(sim_base_url):
    return build_chat_model(embedded_config(sim_base_url, profile=TIMED))


@pytest.fixture(scope="module")
def runs(llm):
    return {name: measure(build(llm), TOPIC, label=name) for name, build in recipes.VARIANTS.items()}


def test_seed_import_of_chat_prompt_template_is_the_canonical_class():
    from langchain_classic.prompts import ChatPromptTemplate as SeedImport
    from langchain_core.prompts import ChatPromptTemplate as CanonicalImport

    assert SeedImport is CanonicalImport
    assert recipes.same_prompt_class() is True
    assert CanonicalImport.__module__ == "langchain_core.prompts.chat"


def test_piping_a_bare_generator_function_coerces_it_to_runnable_generator(llm):
    assert isinstance(recipes.add_bare_generator(llm).last, RunnableGenerator)
    assert isinstance(recipes.add_generator_in_lambda(llm).last, RunnableLambda)
    assert isinstance(recipes.add_plain_function_then_parser(llm).last, StrOutputParser)


@pytest.mark.parametrize("name", STREAMING)
def test_streaming_steps_give_many_chunks_and_the_first_long_before_the_end(runs, name):
    run = runs[name]
    assert run.error is None
    assert run.content_chunks > 30
    assert run.verdict == "streams"
    assert run.ttft_ms < 0.5 * run.llm_end_ms  # first text while the model is still generating
    assert not run.waited_for_llm


def test_plain_function_after_the_llm_gives_one_chunk_after_the_llm_finished(runs):
    run = runs["+ plain function"]
    assert (run.chunks, run.content_chunks) == (1, 1)
    assert run.verdict == "doesn't"
    assert run.waited_for_llm


def test_generator_inside_runnable_lambda_gives_several_chunks_all_after_the_llm_finished(runs):
    run = runs["+ RunnableLambda(generator)"]
    assert run.content_chunks > 10  # one per word
    assert run.ttft_ms >= run.llm_end_ms  # ...but the first one only once the model is done
    assert run.last_ms - run.ttft_ms < 0.1 * run.last_ms  # a burst at the end
    assert run.verdict == "partial"


def test_plain_function_then_str_parser_gives_one_chunk_although_the_last_step_streams(runs):
    run = runs["+ plain function + StrOutputParser()"]
    assert (run.chunks, run.content_chunks) == (1, 1)
    assert run.verdict == "doesn't" and run.waited_for_llm


def test_slow_step_before_the_llm_only_delays_the_start(runs):
    slow, seed = runs["slow plain step before the LLM"], runs["seed chain (ends in the LLM)"]
    assert slow.verdict == "streams"
    assert slow.content_chunks == seed.content_chunks
    assert slow.ttft_ms >= 300  # look_up_topic sleeps 300 ms before the model is even called
    assert slow.llm_end_ms - slow.ttft_ms > 0.3 * (seed.llm_end_ms - seed.ttft_ms)  # still a stream


def test_variants_stream_the_same_text_modulo_case(llm):
    plain = "".join(str(c) for c in recipes.add_str_parser(llm).stream(TOPIC))
    shouted = "".join(recipes.add_runnable_generator(llm).stream(TOPIC))
    assert plain and shouted == plain.upper()
