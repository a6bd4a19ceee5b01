from __future__ import annotations

from streamlab.recipes.sequence import VARIANTS
from tests.support.apptest import open_page, texts

PAGE = "lessons/05_sequence.py"
# ~0.5 s streams: a loaded machine stalling for 100 ms cannot make a stream look like a burst
TIMED = {"sim_ttft_ms": 40.0, "sim_tokens_per_s": 150.0, "sim_jitter_ms": 0.0, "sim_seed": 2}


def test_run_all_variants_shows_which_ones_keep_streaming():
    at = open_page(PAGE, profile=TIMED)
    at.multiselect(key="seq_variants").set_value(list(VARIANTS)).run()
    at.selectbox(key="seq_timeline").set_value("+ plain function").run()
    at.button(key="seq_run").click().run()
    assert not at.exception
    table = at.dataframe[0].value.set_index("run")
    assert list(table.index) == list(VARIANTS)
    for name in ("+ plain function", "+ plain function + StrOutputParser()"):
        assert table.loc[name, "chunks"] == 1
        assert table.loc[name, "verdict"].startswith("❌")
        assert table.loc[name, "first text (ms)"] >= table.loc[name, "LLM done (ms)"]
    generator_lambda = table.loc["+ RunnableLambda(generator)"]
    assert generator_lambda["with text"] > 10 and generator_lambda["verdict"].startswith("⚠️ partial")
    assert generator_lambda["first text (ms)"] >= generator_lambda["LLM done (ms)"]
    for name in (
        "seed chain (ends in the LLM)",
        "+ RunnableGenerator",
        "+ bare generator function",
        "+ StrOutputParser()",
        "slow plain step before the LLM",
    ):
        assert table.loc[name, "verdict"] == "✅ streams"
        # ~73 tokens at 150 tokens/s: the model keeps generating for ~0.5 s after the first text
        assert table.loc[name, "LLM done (ms)"] - table.loc[name, "first text (ms)"] > 100
    seed_ttft = table.loc["seed chain (ends in the LLM)", "first text (ms)"]
    assert seed_ttft < 0.5 * table.loc["seed chain (ends in the LLM)", "LLM done (ms)"]
    assert table.loc["slow plain step before the LLM", "first text (ms)"] >= 300  # it sleeps 300 ms
    assert "**Each step** of “+ plain function”" in texts(at)
    assert len(at.get("plotly_chart")) == 2 + len(VARIANTS)  # arrival, steps, a layer chart per variant


def test_classic_import_is_proved_to_be_the_same_class():
    at = open_page(PAGE)
    assert any("→ **True**" in s.value for s in at.success)
    assert "SeedImport is CanonicalImport" in texts(at)


def test_empty_topic_is_refused_with_a_clear_message():
    at = open_page(PAGE)
    at.text_input(key="seq_topic").set_value("  ")
    at.button(key="seq_run").click().run()
    assert not at.exception
    assert "prompt is empty" in at.error[0].value


def test_no_variant_picked_is_refused_with_a_clear_message():
    at = open_page(PAGE)
    at.multiselect(key="seq_variants").set_value([]).run()
    at.button(key="seq_run").click().run()
    assert not at.exception
    assert "Pick at least one variant" in at.error[0].value
