"""Lesson "Why streaming matters": the race (demo) of its two recipes against the embedded
simulator, then the page under AppTest (one page run per scenario).

AppTest runs no JavaScript, so the browser layer stays empty here; the browser tests
(tests/e2e/test_lessons_browser.py) cover it in chromium.
"""

from __future__ import annotations

import re
import threading
import time

import openai
import pandas as pd

from streamlab.demos.why_streaming import Race, RaceEvent, RaceTick
from streamlab.measure.layers import BROWSER, LANGCHAIN, SERVER
from streamlab.recipes.why_streaming import invoked_lane, streamed_lane
from streamlab.sim.answers import LatencyProfile
from tests.support.apptest import FAST_PROFILE, SMALL_PROFILE, layer_tables, open_page, texts

PAGE = "lessons/02_why_streaming.py"
SMALL = LatencyProfile(ttft_ms=20, tokens_per_s=100, jitter_ms=0, seed=1)
PROMPT = "Explain why streaming tokens matters"
ANSWER = "Both lanes get this short answer."


# --- the race ------------------------------------------------------------------------------------


def _drain(race: Race) -> list[RaceEvent | RaceTick]:
    return list(race.run(tick_s=0.01))


def _texts(events: list[RaceEvent | RaceTick], lane: str) -> list[str]:
    return [e.text for e in events if isinstance(e, RaceEvent) and e.lane == lane and e.kind == "text"]


def test_streamed_lane_shows_text_much_sooner_and_both_finish_about_together(make_llm):
    llm = make_llm(profile=SMALL)
    race = Race(
        {"stream": lambda: streamed_lane(llm, PROMPT), "invoke": lambda: invoked_lane(llm, PROMPT)}
    )
    events = _drain(race)
    stream, invoke = race.summaries()["stream"], race.summaries()["invoke"]
    assert stream["ttft_ms"] * 3 < invoke["ttft_ms"]
    assert 0.6 < stream["total_ms"] / invoke["total_ms"] < 1.6
    assert invoke["ttft_ms"] == invoke["total_ms"] or invoke["total_ms"] - invoke["ttft_ms"] < 5
    assert "".join(_texts(events, "stream")) == "".join(_texts(events, "invoke")) != ""  # same answer
    assert len(_texts(events, "invoke")) == 1 and len(_texts(events, "stream")) > 20
    assert any(isinstance(e, RaceTick) for e in events)  # the clock could move while waiting
    assert abs(race.recorders["stream"].start_ns - race.recorders["invoke"].start_ns) < 50e6  # together


def test_lanes_run_concurrently_not_one_after_the_other():
    def slow(tag: str):
        time.sleep(0.2)  # the lane's work: two of them must overlap
        return [tag]

    started = time.perf_counter()
    race = Race({"a": lambda: slow("a"), "b": lambda: slow("b")})
    events = [e for e in _drain(race) if isinstance(e, RaceEvent)]
    assert time.perf_counter() - started < 0.35
    assert {(e.lane, e.kind) for e in events} == {
        ("a", "text"),
        ("b", "text"),
        ("a", "done"),
        ("b", "done"),
    }


def test_a_failing_lane_reports_an_error_event_and_the_other_lane_finishes(make_llm):
    good, bad = make_llm(sim={"text": "fine"}), make_llm(sim={"fault": "500"})
    race = Race({"stream": lambda: streamed_lane(good, "x"), "invoke": lambda: invoked_lane(bad, "x")})
    kinds = {(e.lane, e.kind) for e in _drain(race) if isinstance(e, RaceEvent)}
    assert ("stream", "done") in kinds and ("invoke", "error") in kinds
    assert isinstance(race.errors["invoke"], openai.InternalServerError)  # HTTP 500
    assert race.summaries()["invoke"]["complete"] is False


def test_ui_is_never_touched_from_lane_threads():
    seen: list[str] = []

    def lane():
        seen.append(threading.current_thread().name)
        return ["x"]

    race = Race({"only": lane})
    _drain(race)
    assert seen == ["race-only"]  # the lane ran in its own thread; events came back via the queue


# --- the page --------------------------------------------------------------------------------------


def _ms(value: str) -> float:
    return float(value.replace(",", "").split()[0])


def test_when_race_runs_then_stream_shows_text_much_sooner_and_both_finish_about_together():
    at = open_page(PAGE, profile=SMALL_PROFILE)  # small but real latency: text arrives in steps
    warning = at.warning[0].value  # the seed's claim, corrected
    assert "tokens arrive immediately" in warning and "Actually" in warning
    at.text_input(key="why_prompt").set_value("Explain RAG")
    at.button(key="why_run").click().run()
    assert not at.exception
    cards = [(m.label, m.value) for m in at.metric]
    ttft = [_ms(v) for label, v in cards if label == "TTFT"]
    total = [_ms(v) for label, v in cards if label == "Total"]
    chunks = [v for label, v in cards if label == "Chunks"]
    assert len(ttft) == 2, cards  # streamed lane first, then the invoked lane
    assert ttft[0] * 3 < ttft[1]
    assert 0.6 < total[0] / total[1] < 1.6
    assert int(chunks[0]) > 20 and chunks[1] == "1"
    assert re.search(r"Streaming showed first text \d+\.\d× sooner", at.success[0].value)
    page = texts(at)
    assert page.count("Retrieval-Augmented Generation") == 2  # both lanes show the same answer
    lanes = re.findall(r"User sees text at \*\*([\d,]+) ms\*\*\s*·\s*done at \*\*([\d,]+) ms", page)
    (stream_seen, stream_done), (invoke_seen, invoke_done) = [(_ms(a), _ms(b)) for a, b in lanes]
    # "Time until seen" vs done: invoke shows its text only when it is done (the two events are
    # stamped one after the other on the lane's thread, so a busy machine can put 1-2 ms between).
    assert stream_seen * 3 < invoke_seen and abs(invoke_done - invoke_seen) <= 5
    assert 0.6 < stream_done / invoke_done < 1.6
    assert "Race clock" in page
    assert "return llm.stream(prompt)" in page and "return [llm.invoke(prompt)]" in page
    assert "why_streaming" in at.session_state["lessons_run"]
    # Each lane has its own layer table, and only the stream's first token arrives early.
    assert [tab.label for tab in at.tabs] == ["llm.stream()", "llm.invoke()"]
    streamed, invoked = layer_tables(at)
    for table in (streamed, invoked):
        assert list(table.index) == [SERVER, LANGCHAIN, BROWSER]
        assert table.loc[SERVER, "chars"] == table.loc[LANGCHAIN, "chars"] > 100  # the LLM's text
        assert table.loc[SERVER, "first token (ms)"] <= table.loc[LANGCHAIN, "first token (ms)"]
        assert pd.isna(table.loc[BROWSER, "first token (ms)"])
    assert streamed.loc[SERVER, "updates"] == streamed.loc[LANGCHAIN, "updates"] > 20
    assert invoked.loc[SERVER, "updates"] == invoked.loc[LANGCHAIN, "updates"] == 1
    # Invoke: the one send is the last token, long after the stream's first one.
    assert invoked.loc[LANGCHAIN, "first token (ms)"] == invoked.loc[LANGCHAIN, "last token (ms)"]
    assert streamed.loc[LANGCHAIN, "first token (ms)"] * 3 < invoked.loc[LANGCHAIN, "first token (ms)"]
    assert "needs a real browser tab" in page
    assert "In this race" in page
    assert [c.key for c in at.get("plotly_chart")] == [
        "why_arrival",
        "why_layers_0_chart",
        "why_layers_1_chart",
    ]


def test_when_rerun_then_both_lanes_metrics_verdict_and_layers_are_redrawn():
    at = open_page(PAGE, profile={**FAST_PROFILE, "sim_text": ANSWER})
    at.button(key="why_run").click().run()
    before = [m.value for m in at.metric]
    at.run()  # e.g. the browser's report, or any other widget
    assert not at.exception
    assert [m.value for m in at.markdown].count(ANSWER) == 2
    assert [m.value for m in at.metric] == before and len(before) == 6
    assert texts(at).count("User sees text at") == 2 and "Race clock" in texts(at)
    assert "sooner" in at.success[0].value
    assert [t.loc[LANGCHAIN, "chars"] for t in layer_tables(at)] == [len(ANSWER)] * 2
    assert [c.key for c in at.get("plotly_chart")] == [
        "why_arrival",
        "why_layers_0_chart",
        "why_layers_1_chart",
    ]


def test_when_prompt_empty_then_refused_and_nothing_runs():
    at = open_page(PAGE)
    at.text_input(key="why_prompt").set_value("")
    at.button(key="why_run").click().run()
    assert not at.exception
    assert "prompt is empty" in at.error[0].value
    assert not at.metric and not layer_tables(at)
    assert "lessons_run" not in at.session_state  # not counted as run


def test_when_server_fails_then_each_lane_explains_the_error_and_no_verdict_is_given():
    at = open_page(PAGE, profile={**FAST_PROFILE, "sim_fault": "500"})
    at.button(key="why_run").click().run()
    assert not at.exception
    explained = "The provider had an internal error (HTTP 500). Try again."
    assert [e.value for e in at.error] == [explained, explained]
    assert not at.success
