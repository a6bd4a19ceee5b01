from __future__ import annotations

import re

from tests.support.apptest import SMALL_PROFILE, open_page, texts

PAGE = "lessons/09_streaming_vs_not.py"


def test_trials_give_medians_a_verdict_a_chart_and_the_measured_seed_table():
    at = open_page(PAGE, profile=SMALL_PROFILE)
    at.slider(key="cmp_trials").set_value(3)
    at.button(key="cmp_run").click().run()
    assert not at.exception
    verdict = at.success[0].value
    match = re.search(r"Streaming showed first text (\d+\.\d)× sooner .*; total time ", verdict)
    assert match, verdict
    assert float(match[1]) > 3
    tables = [df.value for df in at.dataframe]  # AppTest does not expose dataframe keys
    medians = next(t for t in tables if "median chunks" in t.columns).set_index("mode")
    assert medians.loc["stream", "trials"] == medians.loc["invoke", "trials"] == 3
    assert medians.loc["stream", "median chunks"] > 20 and medians.loc["invoke", "median chunks"] == 1
    total = medians["median total (ms)"]
    assert 0.7 < total["stream"] / total["invoke"] < 1.4
    seed = next(t for t in tables if "Aspect" in t.columns).set_index("Aspect")
    assert seed.loc["Latency", "What the numbers say"].startswith("Misleading")
    assert at.get("plotly_chart")
    assert "streaming_vs_not" in at.session_state["lessons_run"]
    assert "def measure_stream" in texts(at) and "def measure_invoke" in texts(at)


def test_results_stay_when_the_slider_moves():
    at = open_page(PAGE)
    at.slider(key="cmp_trials").set_value(1)
    at.button(key="cmp_run").click().run()
    at.slider(key="cmp_trials").set_value(4).run()
    assert not at.exception
    assert "medians of 1 trials" in at.success[0].value


def test_seed_latency_claim_is_corrected_and_the_latency_lab_is_linked():
    at = open_page(PAGE)
    assert "Latency" in at.warning[0].value and "Actually" in at.warning[0].value
    links = at.get("page_link")
    assert any(link.proto.page == "latency_lab" for link in links)  # lessons/14_latency_lab.py


def test_empty_prompt_is_refused_with_a_clear_message():
    at = open_page(PAGE)
    at.text_input(key="cmp_prompt").set_value("")
    at.button(key="cmp_run").click().run()
    assert not at.exception
    assert "prompt" in at.error[0].value


def test_failed_trials_are_reported_in_plain_words_and_the_rest_still_counts():
    at = open_page(
        PAGE,
        profile={
            "sim_ttft_ms": 0.0,
            "sim_tokens_per_s": 0.0,
            "sim_jitter_ms": 0.0,
            "sim_seed": 1,
            "sim_fault": "drop_after",
            "sim_drop_after": 5,
        },
    )
    at.slider(key="cmp_trials").set_value(2)
    at.button(key="cmp_run").click().run()
    assert not at.exception
    # drop_after cuts only streams: every stream trial fails, the invoke trials succeed.
    message = at.error[0].value
    assert message.startswith("2 of 4 trials failed: ") and "Error" not in message  # plain words
    assert not at.success  # no verdict without streaming results
