"""Lesson "Streaming vs non-streaming": repeated trials of stream vs invoke, medians, verdict, seed
table (recipe and demo); the page, whose trials are followed by one request per mode drawn on screen
and measured in three layers, one tab per lane.

AppTest runs no JavaScript, so the browser layer stays empty here; the browser tests
(tests/e2e/test_lessons_browser.py) cover it in chromium.
"""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from components.figures.trials import trials_figure
from streamlab.measure.layers import BROWSER, LANGCHAIN, SERVER
from streamlab.measure.trials import (
    Measurement,
    Trial,
    medians,
    mode_row,
    run_trials,
    seed_table,
    to_frame,
    verdict,
    verdict_for,
)
from streamlab.recipes.streaming_vs_not import measure_invoke, measure_stream
from streamlab.sim.answers import LatencyProfile
from tests.support.apptest import FAST_PROFILE, SMALL_PROFILE, layer_tables, open_page, table_with, texts

SMALL = LatencyProfile(ttft_ms=20, tokens_per_s=100, jitter_ms=0, seed=1)
PROMPT = "Explain latency in LLM apps"
PAGE = "lessons/09_streaming_vs_not.py"
ANSWER = "Latency is the wait for an answer."


def test_streaming_shows_first_text_sooner_but_total_time_is_about_the_same(make_llm):
    llm = make_llm(profile=SMALL)
    frame = to_frame(
        run_trials(
            {
                "stream": lambda: measure_stream(llm, PROMPT),
                "invoke": lambda: measure_invoke(llm, PROMPT),
            },
            3,
        )
    )
    table = medians(frame)
    stream, invoke = mode_row(table, "stream"), mode_row(table, "invoke")
    assert stream["ttft_ms"] * 3 < invoke["ttft_ms"]  # the seed's "Latency Low/High" is about THIS
    assert 0.7 < stream["total_ms"] / invoke["total_ms"] < 1.4  # ...not about the total
    assert stream["chunks"] > 20 and invoke["chunks"] == 1 and stream["trials"] == invoke["trials"] == 3
    assert verdict_for(table).startswith("Streaming showed first text ")


def test_measure_stream_ttft_skips_the_empty_role_chunk(make_llm):
    m = measure_stream(make_llm(sim={"text": "Hi there", "ttft_ms": 100, "tokens_per_s": 0}), "x")
    assert m.ttft_ms >= 95  # the role chunk comes at once; the first text only after TTFT
    assert m.chunks == 2 + 4 and m.total_ms >= m.ttft_ms  # Hi/ there + role, finish, usage, last


def test_measure_invoke_reports_the_whole_answer_as_first_text(make_llm):
    m = measure_invoke(make_llm(sim={"text": "Hi there"}), "x")
    assert m.ttft_ms == m.total_ms and m.chunks == 1


def test_run_trials_alternates_which_mode_goes_first_and_keeps_failures_as_rows():
    calls: list[str] = []

    def fake(mode: str, fail: bool = False):
        def measure() -> Measurement:
            calls.append(mode)
            if fail:
                raise RuntimeError("boom")
            return Measurement(10.0 if mode == "stream" else 100.0, 100.0, 5 if mode == "stream" else 1)

        return measure

    trials = list(run_trials({"stream": fake("stream"), "invoke": fake("invoke", fail=True)}, 3))
    assert calls == ["stream", "invoke", "invoke", "stream", "stream", "invoke"]
    failed = [t for t in trials if t.error]
    assert len(failed) == 3 and failed[0].total_ms is None
    assert failed[0].error == "The run failed: RuntimeError: boom"  # explain_error's wording
    table = medians(to_frame(trials))
    assert list(table["mode"]) == ["stream"] and verdict_for(table) is None


def test_medians_ignore_failed_trials():
    frame = to_frame(
        [
            Trial(1, "stream", 10, 100, 9),
            Trial(2, "stream", 30, 300, 9),
            Trial(3, "stream", None, None, None, "x"),
            Trial(1, "invoke", 100, 100, 1),
            Trial(2, "invoke", 120, 120, 1),
        ]
    )
    rows = medians(frame).set_index("mode").to_dict("index")
    assert rows["stream"] == {"trials": 2, "ttft_ms": 20.0, "total_ms": 200.0, "chunks": 9.0}
    assert rows["invoke"]["ttft_ms"] == 110.0


@pytest.mark.parametrize(
    ("numbers", "expected"),
    [
        (
            (100, 790, 1000, 1010),
            "Streaming showed first text 7.9× sooner (100 ms vs 790 ms); "
            "total time equal within 1% (1000 ms vs 1010 ms).",
        ),
        ((100, 790, 1020, 1000), "total time equal within 2%"),
        ((100, 790, 1200, 1000), "total time 20% longer when streaming"),
        ((90, 100, 100, 100), "only 1.1× sooner"),
    ],
)
def test_verdict_wording(numbers, expected):
    assert expected in verdict(*numbers)


def test_seed_table_calls_the_latency_row_misleading_and_adds_time_to_first_text():
    table = pd.DataFrame(
        {
            "mode": ["stream", "invoke"],
            "trials": [5, 5],
            "ttft_ms": [100.0, 790.0],
            "total_ms": [1000.0, 1010.0],
            "chunks": [60.0, 1.0],
        }
    )
    rows = seed_table(table).set_index("Aspect")
    assert rows.loc["Latency", "Seed (stream / invoke)"] == "Low / High"
    assert rows.loc["Latency", "Measured (stream / invoke)"] == "total 1000 ms / 1010 ms"
    assert rows.loc["Latency", "What the numbers say"].startswith("Misleading")
    first_text = rows.loc["Time to first text (new row)"]
    assert first_text["What the numbers say"].endswith("7.9× sooner.")
    assert rows.loc["Complexity", "Measured (stream / invoke)"] == "60 chunks / 1 message"


def test_trials_figure_has_one_box_per_mode_with_every_trial_as_a_point():
    modes = ("stream", "invoke")
    frame = to_frame([Trial(i, mode, 10.0 * i, 100.0 * i, 3, None) for i in (1, 2) for mode in modes])
    fig = trials_figure(frame)
    assert [t.name for t in fig.data] == ["stream", "invoke"]
    assert all(t.boxpoints == "all" and len(t.y) == 4 for t in fig.data)  # 2 trials × (TTFT, total)
    assert set(fig.data[0].x) == {"Time to first text", "Total time"}
    assert math.isclose(max(fig.data[0].y), 200.0)


def test_trials_figure_without_successful_trials_says_so():
    fig = trials_figure(to_frame([Trial(1, "stream", None, None, None, "boom")]))
    assert not fig.data and "No successful trials" in fig.layout.annotations[0].text


# --- the page ---------------------------------------------------------------------------------


def _run(at, trials: int):
    at.slider(key="cmp_trials").set_value(trials)
    at.button(key="cmp_run").click().run()
    assert not at.exception, at.exception
    return at


def test_page_trials_give_medians_a_verdict_the_seed_table_then_each_mode_once_with_its_layers():
    at = _run(open_page(PAGE, profile=SMALL_PROFILE), 3)
    verdict = at.success[0].value
    match = re.search(r"Streaming showed first text (\d+\.\d)× sooner .*; total time ", verdict)
    assert match, verdict
    assert float(match[1]) > 3
    assert "medians of 3 trials" in verdict
    tables = [df.value for df in at.dataframe]  # AppTest does not expose dataframe keys
    medians_table = next(t for t in tables if "median chunks" in t.columns).set_index("mode")
    assert medians_table.loc["stream", "trials"] == medians_table.loc["invoke", "trials"] == 3
    assert medians_table.loc["stream", "median chunks"] > 20
    assert medians_table.loc["invoke", "median chunks"] == 1
    total = medians_table["median total (ms)"]
    assert 0.7 < total["stream"] / total["invoke"] < 1.4
    seed = table_with(at, "Aspect").set_index("Aspect")
    assert seed.loc["Latency", "What the numbers say"].startswith("Misleading")
    assert "streaming_vs_not" in at.session_state["lessons_run"]
    assert "def measure_stream" in texts(at) and "def measure_invoke" in texts(at)
    # After the trials, one request per mode, each in its own tab of three layers.
    assert [tab.label for tab in at.tabs] == ["llm.stream()", "llm.invoke()"]
    streamed, invoked = layer_tables(at)
    for table in (streamed, invoked):
        assert list(table.index) == [SERVER, LANGCHAIN, BROWSER]
        assert table.loc[SERVER, "chars"] == table.loc[LANGCHAIN, "chars"] > 100  # the LLM's text
        assert table.loc[SERVER, "first token (ms)"] <= table.loc[LANGCHAIN, "first token (ms)"]
        assert pd.isna(table.loc[BROWSER, "first token (ms)"])
    assert streamed.loc[SERVER, "updates"] == streamed.loc[LANGCHAIN, "updates"] > 20
    assert invoked.loc[SERVER, "updates"] == invoked.loc[LANGCHAIN, "updates"] == 1
    assert streamed.loc[LANGCHAIN, "first token (ms)"] * 3 < invoked.loc[LANGCHAIN, "first token (ms)"]
    assert "needs a real browser tab" in texts(at)


def test_page_a_rerun_redraws_the_verdict_both_answers_and_layers():
    at = _run(open_page(PAGE, profile={**FAST_PROFILE, "sim_text": ANSWER}), 2)
    at.slider(key="cmp_trials").set_value(4).run()  # any widget reruns; so does the browser's report
    assert not at.exception
    assert "medians of 2 trials" in at.success[0].value
    assert [m.value for m in at.markdown].count(ANSWER) == 2
    assert [m.label for m in at.metric] == ["TTFT", "Total", "Chunks"]
    assert [t.loc[LANGCHAIN, "chars"] for t in layer_tables(at)] == [len(ANSWER)] * 2
    assert [c.key for c in at.get("plotly_chart")] == [
        "cmp_chart",
        "cmp_layers_0_chart",
        "cmp_layers_1_chart",
    ]


def test_page_corrects_the_seed_links_the_lab_and_refuses_an_empty_prompt():
    at = open_page(PAGE)
    assert "Latency" in at.warning[0].value and "Actually" in at.warning[0].value
    links = at.get("page_link")
    assert any(link.proto.page == "latency_lab" for link in links)  # lessons/14_latency_lab.py
    at.text_input(key="cmp_prompt").set_value("")
    at.button(key="cmp_run").click().run()
    assert not at.exception
    assert "prompt is empty" in at.error[0].value
    assert not at.success  # nothing ran


def test_page_failed_trials_are_reported_in_plain_words_and_the_rest_still_counts():
    at = _run(
        open_page(PAGE, profile={**FAST_PROFILE, "sim_fault": "drop_after", "sim_drop_after": 5}), 2
    )
    # drop_after cuts only streams: every stream trial fails, the invoke trials succeed.
    message = at.error[0].value
    assert message.startswith("2 of 4 trials failed: ") and "Error" not in message  # plain words
    assert not at.success  # no verdict without streaming results
