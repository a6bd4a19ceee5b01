"""The race lesson: streamed vs invoked lanes started together, drained from one queue."""

from __future__ import annotations

import threading
import time

import openai

from streamlab.demos.why_streaming import Race, RaceEvent, RaceTick
from streamlab.recipes.why_streaming import invoked_lane, streamed_lane
from streamlab.sim.answers import LatencyProfile

SMALL = LatencyProfile(ttft_ms=20, tokens_per_s=100, jitter_ms=0, seed=1)
PROMPT = "Explain why streaming tokens matters"


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
        time.sleep(0.2)
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
