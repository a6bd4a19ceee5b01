"""Lesson "RunnableSequence": what each step after (or before) the model does to the stream, then
the page under AppTest (one page run per scenario).

Every variant runs against the real ChatOpenAI → embedded simulator with a small latency, so "first
text before / after the model finished" is a real, measurable difference. Each variant makes its
own request, so on the page each has its own lane (a tab) of layers. AppTest runs no JavaScript:
the browser layer stays empty here; tests/e2e/test_lessons_browser.py covers it in chromium.
"""

from __future__ import annotations

import pandas as pd
import pytest
from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables import RunnableGenerator, RunnableLambda

from streamlab.client.providers import build_chat_model, embedded_config
from streamlab.measure.layers import BROWSER, LANGCHAIN, SERVER
from streamlab.measure.streamability import measure
from streamlab.recipes import sequence as recipes
from streamlab.recipes.sequence import VARIANTS
from streamlab.sim.answers import LatencyProfile
from tests.support.apptest import FAST_PROFILE, open_page, table_with, texts

PAGE = "lessons/05_sequence.py"
# ~73 tokens at 150 tokens/s: a ~0.5 s stream, long enough that a loaded CI machine stalling for
# 100 ms cannot make a stream look like a burst.
TIMED = LatencyProfile(ttft_ms=40, tokens_per_s=150, jitter_ms=0, seed=3)
TIMED_PAGE = {"sim_ttft_ms": 40.0, "sim_tokens_per_s": 150.0, "sim_jitter_ms": 0.0, "sim_seed": 2}
TOPIC = "Runnable streaming"
SEED, PLAIN, GEN_LAMBDA, RUNNABLE_GEN = (
    "seed chain (ends in the LLM)",
    "+ plain function",
    "+ RunnableLambda(generator)",
    "+ RunnableGenerator",
)
STREAMING = [SEED, RUNNABLE_GEN, "+ bare generator function", "+ StrOutputParser()"]


# --- recipes -------------------------------------------------------------------------------------


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


# --- the page --------------------------------------------------------------------------------------


def _run(at, variants: list[str]):
    at.multiselect(key="seq_variants").set_value(variants).run()
    at.button(key="seq_run").click().run()
    assert not at.exception
    return at


def _layer_tables(at) -> dict[str, pd.DataFrame]:
    """{tab label: its three-row table} of the layers section."""
    return {
        tab.label: next(t.value for t in tab.table if "first token (ms)" in t.value.columns)
        for tab in at.tabs
        if any("first token (ms)" in t.value.columns for t in tab.table)
    }


def test_when_every_variant_runs_then_the_table_and_layers_show_which_ones_keep_streaming():
    at = open_page(PAGE, profile=TIMED_PAGE)
    assert any("→ **True**" in s.value for s in at.success)  # the seed's classic import is the same
    assert "SeedImport is CanonicalImport" in texts(at)
    at.selectbox(key="seq_timeline").set_value(PLAIN).run()
    _run(at, list(VARIANTS))
    assert "sequence" in at.session_state["lessons_run"]
    table = table_with(at, "verdict").set_index("run")
    assert list(table.index) == list(VARIANTS)
    for name in (PLAIN, "+ plain function + StrOutputParser()"):
        assert table.loc[name, "chunks"] == 1
        assert table.loc[name, "verdict"].startswith("doesn't stream")
        assert table.loc[name, "first text (ms)"] >= table.loc[name, "LLM done (ms)"]
    generator_lambda = table.loc[GEN_LAMBDA]
    assert generator_lambda["with text"] > 10 and generator_lambda["verdict"].startswith("partial")
    assert generator_lambda["first text (ms)"] >= generator_lambda["LLM done (ms)"]
    for name in (*STREAMING, "slow plain step before the LLM"):
        assert table.loc[name, "verdict"] == "streams"
        # ~73 tokens at 150 tokens/s: the model keeps generating for ~0.5 s after the first text
        assert table.loc[name, "LLM done (ms)"] - table.loc[name, "first text (ms)"] > 100
    seed_ttft = table.loc[SEED, "first text (ms)"]
    assert seed_ttft < 0.5 * table.loc[SEED, "LLM done (ms)"]
    assert table.loc["slow plain step before the LLM", "first text (ms)"] >= 300  # it sleeps 300 ms
    assert "**Each step** of “+ plain function”" in texts(at)
    assert len(at.get("plotly_chart")) == 2 + len(VARIANTS)  # arrival, steps, a layer chart per variant
    # Each variant has its own lane; only the streaming ones follow the server.
    tables = _layer_tables(at)
    assert list(tables) == list(VARIANTS)
    for name, layers in tables.items():
        assert list(layers.index) == [SERVER, LANGCHAIN, BROWSER], name
        assert layers.loc[SERVER, "updates"] > 10, name  # every variant's LLM streams from the server
        assert layers.loc[SERVER, "first token (ms)"] <= layers.loc[LANGCHAIN, "first token (ms)"], name
        assert pd.isna(layers.loc[BROWSER, "first token (ms)"]), name
    for name in (SEED, RUNNABLE_GEN):  # streaming: LangChain gets text while the server still sends
        layers = tables[name]
        assert layers.loc[LANGCHAIN, "updates"] == layers.loc[SERVER, "updates"], name
        assert layers.loc[LANGCHAIN, "chars"] == layers.loc[SERVER, "chars"], name
        received_first = layers.loc[LANGCHAIN, "first token (ms)"]
        assert received_first < layers.loc[SERVER, "last token (ms)"] - 100, name
    plain, gen_lambda = tables[PLAIN], tables[GEN_LAMBDA]
    assert plain.loc[LANGCHAIN, "updates"] == 1  # the whole upper-cased answer, once
    assert plain.loc[LANGCHAIN, "chars"] == plain.loc[SERVER, "chars"]
    assert gen_lambda.loc[LANGCHAIN, "updates"] > 10  # many chunks…
    for layers in (plain, gen_lambda):  # …but only after the server's last chunk
        assert layers.loc[LANGCHAIN, "first token (ms)"] >= layers.loc[SERVER, "last token (ms)"]
    assert "needs a real browser tab" in texts(at)


def test_when_rerun_then_every_variant_text_metrics_table_and_layers_are_redrawn():
    at = _run(
        open_page(PAGE, profile={**FAST_PROFILE, "sim_text": "A short fixed answer."}), [SEED, PLAIN]
    )
    at.run()  # e.g. the browser's report
    assert not at.exception
    shown = [m.value for m in at.markdown]
    assert "A short fixed answer." in shown and "A SHORT FIXED ANSWER." in shown
    assert [m.label for m in at.metric].count("TTFT") == 2
    assert list(table_with(at, "verdict")["run"]) == [SEED, PLAIN]
    tables = _layer_tables(at)
    assert list(tables) == [SEED, PLAIN]
    assert (
        tables[SEED].loc[LANGCHAIN, "chars"]
        == tables[PLAIN].loc[LANGCHAIN, "chars"]
        == len("A short fixed answer.")
    )
    assert len(at.get("plotly_chart")) == 2 + 2  # arrival + step timeline + one layer chart per lane


def test_when_topic_empty_then_refused_and_nothing_runs():
    at = open_page(PAGE)
    at.text_input(key="seq_topic").set_value("  ")
    at.button(key="seq_run").click().run()
    assert not at.exception
    assert "prompt is empty" in at.error[0].value
    assert not at.metric and not at.dataframe
    assert "lessons_run" not in at.session_state  # not counted as run


def test_when_no_variant_picked_then_refused_and_nothing_runs():
    at = open_page(PAGE)
    at.multiselect(key="seq_variants").set_value([]).run()
    at.button(key="seq_run").click().run()
    assert not at.exception
    assert "Pick at least one variant" in at.error[0].value
    assert not at.metric and not at.dataframe
