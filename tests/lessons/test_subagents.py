"""Lesson "Subgraphs and subagents": what a parent graph of two agents streams with and without
`subgraphs=True`, checked against the installed langchain / langgraph through the simulator
(recipe); which lane each part goes to and how namespaces are counted (demo); the page's lanes,
namespaces and layers (AppTest).

tests/e2e/test_subagents_browser.py watches both lanes grow side by side in chromium.
"""

from __future__ import annotations

import pandas as pd
import pytest
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, ToolMessage

from streamlab.demos.agent_streaming import AgentTimeline
from streamlab.demos.subagents import TeamRun, describe, lane_of, pattern
from streamlab.measure.layers import BROWSER, LANGCHAIN, SERVER
from streamlab.recipes import agent_streaming
from streamlab.recipes.subagents import build_team, stream_team, stream_team_flat
from streamlab.sim.answers import LatencyProfile
from tests.support.agents import LOCAL_TIME, PROGRESS, QUESTION, WEATHER
from tests.support.apptest import FAST_PROFILE, layer_tables, open_page

PAGE = "lessons/20_subagents.py"
PACED = LatencyProfile(ttft_ms=30, tokens_per_s=100, jitter_ms=0, seed=1)
NAMESPACES = {"()", "('weather:<task id>',)", "('clock:<task id>',)"}
AGENT_NAMES = {"weather": "weather_agent", "clock": "time_agent"}


@pytest.fixture
def team(make_llm):
    return build_team(make_llm(), make_llm())


def final_answers(team_state) -> dict[str, str]:
    answers = [m for m in team_state["messages"] if isinstance(m, AIMessage) and not m.tool_calls]
    return {"weather" if "get_weather" in m.text else "clock": m.text for m in answers}


# --- the recipe: what the installed langgraph streams from nested graphs ---------------------------


def test_with_subgraphs_each_part_carries_its_namespace_and_the_subagents_tokens_come_live(team):
    parts = list(stream_team(team, QUESTION))
    assert all(len(part) == 3 for part in parts)  # (namespace, mode, data)
    assert {pattern(ns) for ns, _, _ in parts} == NAMESPACES
    root = [data for ns, mode, data in parts if ns == ()]
    assert [list(update) for update in root] in (
        [["weather"], ["clock"]],
        [["clock"], ["weather"]],
    )  # the parent hears of a subagent once, when it has finished
    inside = {
        name: [p for p in parts if p[0] and p[0][0].startswith(f"{name}:")]
        for name in ("weather", "clock")
    }
    assert [data for _, mode, data in inside["weather"] if mode == "custom"] == PROGRESS
    assert [mode for _, mode, _ in inside["clock"]].count("custom") == 0
    for name, own in inside.items():
        assert [next(iter(d)) for _, m, d in own if m == "updates"] == ["model", "tools", "model"]
        chunks = [d[0] for _, m, d in own if m == "messages" and isinstance(d[0], AIMessageChunk)]
        tokens = [c.text for c in chunks if c.text]
        assert len(tokens) > 5
        names = {d[1]["lc_agent_name"] for _, m, d in own if m == "messages"}
        assert names == {AGENT_NAMES[name]}  # create_agent(name=...) tags its messages' metadata
        final = next(d for _, m, d in reversed(own) if m == "updates")["model"]["messages"][-1]
        assert "".join(tokens) == final.text
    results = {d[0].text for ns, m, d in parts if m == "messages" and isinstance(d[0], ToolMessage)}
    assert results == {WEATHER, LOCAL_TIME}


def test_without_subgraphs_a_subagent_arrives_whole_once_it_has_finished(team):
    parts = list(stream_team_flat(team, QUESTION))
    assert all(len(part) == 2 for part in parts)  # (mode, data): no namespace
    assert "custom" not in {mode for mode, _ in parts}  # the tools' progress never reaches the parent
    messages = [data for mode, data in parts if mode == "messages"]
    assert not any(isinstance(m, AIMessageChunk) for m, _ in messages)  # no token at all
    assert {meta["langgraph_node"] for _, meta in messages} == {"weather", "clock"}
    answers = {
        meta["langgraph_node"]: m.text for m, meta in messages if isinstance(m, AIMessage) and m.text
    }
    assert answers == final_answers(team.invoke({"messages": [HumanMessage(QUESTION)]}))


def test_the_two_subagents_run_at_the_same_time(make_llm, monkeypatch):
    monkeypatch.setattr(agent_streaming, "PROGRESS_PAUSE_S", 0.0)
    team = build_team(make_llm(profile=PACED), make_llm(profile=PACED))
    timeline = AgentTimeline()
    run = TeamRun(timeline)
    for _ in run.record(stream_team(team, QUESTION), subgraphs=True):
        pass
    weather, clock = (timeline.of(lane, "answer token") for lane in ("weather", "clock"))
    # Each answer's tokens overlap the other's: one after the other, they could not.
    assert weather[0].t_ms < clock[-1].t_ms and clock[0].t_ms < weather[-1].t_ms


# --- the demo: lanes, namespaces -------------------------------------------------------------------


@pytest.mark.parametrize(
    "namespace, mode, data, lane",
    [
        (("weather:1a2b",), "custom", "Looking up Paris", "weather"),
        (("clock:9f", "tools:3c"), "updates", {}, "clock"),
        ((), "updates", {"weather": {}}, "team"),
        ((), "messages", (AIMessage("hi"), {"langgraph_node": "clock"}), "clock"),
        ((), "messages", (AIMessage("hi"), {"langgraph_node": "writer"}), "team"),
    ],
)
def test_lane_of_reads_the_namespace_or_the_node(namespace, mode, data, lane):
    assert lane_of(namespace, mode, data) == lane


@pytest.mark.parametrize(
    "namespace, text",
    [
        ((), "()"),
        (("weather:1a2b-3c",), "('weather:<task id>',)"),
        (("weather:1a", "tools:2b"), "('weather:<task id>', 'tools:<task id>',)"),
    ],
)
def test_pattern_leaves_the_task_ids_out(namespace, text):
    assert pattern(namespace) == text


def test_describe_reads_a_whole_call_as_a_model_step():
    call = AIMessage("", tool_calls=[{"name": "get_weather", "args": {"city": "Paris"}, "id": "c1"}])
    assert describe("messages", (call, {"langgraph_node": "weather"})) == [
        ("model step", "calls get_weather", "", "weather")
    ]
    assert describe("custom", "Looking up Paris")[0][:2] == ("progress", "Looking up Paris")


def test_team_run_puts_each_part_in_its_lane_and_counts_namespaces():
    ticks = iter(range(0, 10_000_000, 1_000_000))  # one ms per clock read
    run = TeamRun(AgentTimeline(clock=lambda: next(ticks)))
    parts = [
        (("weather:a",), "messages", (AIMessageChunk(content="Sun"), {"langgraph_node": "model"})),
        (("clock:b",), "custom", "tick"),
        (("weather:a",), "messages", (AIMessageChunk(content="ny"), {"langgraph_node": "model"})),
        ((), "updates", {"weather": {"messages": [AIMessage("Sunny")]}}),
    ]
    drawn = [[(e.lane, e.kind, e.label) for e in events] for events in run.record(parts, subgraphs=True)]
    assert drawn == [
        [("weather", "answer token", "messages · 'Sun'")],
        [("clock", "progress", "custom · tick")],
        [("weather", "answer token", "messages · 'ny'")],
        [("team", "model step", "updates · weather: answers 'Sunny'")],
    ]
    assert run.timeline.text("weather") == "Sunny"
    assert run.namespaces().to_dict("records") == [
        {
            "namespace": "('weather:<task id>',)",
            "lane": "weather",
            "updates": 0,
            "messages": 2,
            "custom": 0,
        },
        {"namespace": "('clock:<task id>',)", "lane": "clock", "updates": 0, "messages": 0, "custom": 1},
        {"namespace": "()", "lane": "team", "updates": 1, "messages": 0, "custom": 0},
    ]
    assert list(run.examples) == ["('weather:<task id>',)", "('clock:<task id>',)", "()"]
    assert run.timeline.total_ms is not None


# --- the page --------------------------------------------------------------------------------------


def _run(subgraphs=True, question=None, **profile):
    at = open_page(PAGE, profile={**FAST_PROFILE, **profile})
    if not subgraphs:
        at.toggle(key="sub_subgraphs").set_value(False).run()
    if question is not None:
        at.text_input(key="sub_question").set_value(question)
    at.button(key="sub_run").click().run()
    assert not at.exception, at.exception
    return at


def namespaces(at) -> pd.DataFrame:
    (table,) = [d.value for d in at.dataframe if "lane" in d.value.columns]
    return table.set_index(["namespace", "lane"])


def answers(at) -> list[str]:
    """Both subagents' answers, as drawn (plain text), and what the run kept of them."""
    shown = [t.value for t in at.text]
    timeline = at.session_state["sub_last"]["run"].timeline
    assert shown == [timeline.text("weather"), timeline.text("clock")]
    return shown


def test_page_both_subagents_fill_their_lanes_with_namespaces_and_both_answers_in_three_layers():
    at = _run()
    weather, clock = answers(at)
    assert "Sunny, 21 °C in Paris" in weather and "It is 14:05 in Paris" in clock
    table = namespaces(at)
    assert {ns for ns, _ in table.index} == NAMESPACES
    assert table.loc[("('weather:<task id>',)", "weather"), "custom"] == 3
    assert table.loc[("()", "team"), "updates"] == 2 and table.loc[("()", "team"), "messages"] == 0
    lines = "\n".join(c.value for c in at.code)
    assert all(line in lines for line in PROGRESS)
    tables = layer_tables(at)  # tabs: the weather agent's answer, then the time agent's
    for layers, text in zip(tables, (weather, clock), strict=True):
        assert list(layers.index) == [SERVER, LANGCHAIN, BROWSER]
        assert layers.loc[SERVER, "chars"] == layers.loc[LANGCHAIN, "chars"] == len(text)
        assert layers.loc[SERVER, "updates"] == layers.loc[LANGCHAIN, "updates"] > 5  # token by token
        assert pd.isna(layers.loc[BROWSER, "first token (ms)"])
    metrics = {m.label: m.value for m in at.metric}
    assert all(value != "—" for value in metrics.values()) and len(metrics) == 4
    assert "subagents" in at.session_state["lessons_run"]

    at.run()  # e.g. the browser's report: the lanes are drawn again from what the run kept
    assert not at.exception
    assert answers(at) == [weather, clock] and namespaces(at).equals(table)
    assert {m.label: m.value for m in at.metric} == metrics


def test_page_without_subgraphs_each_answer_arrives_whole_and_no_progress_shows():
    at = _run(subgraphs=False)
    weather, clock = answers(at)
    table = namespaces(at)
    assert {ns for ns, _ in table.index} == {"()"}
    assert table["custom"].sum() == 0
    for layers, text in zip(layer_tables(at), (weather, clock), strict=True):
        assert layers.loc[LANGCHAIN, "updates"] == 1 and layers.loc[LANGCHAIN, "chars"] == len(text)
        assert layers.loc[SERVER, "updates"] > 5  # the server still sent it token by token


def test_page_without_a_question_runs_nothing_and_a_provider_error_is_explained():
    at = _run(question="")
    assert "prompt is empty" in at.error[0].value and not at.dataframe
    at = _run(sim_fault="500")
    assert "internal error (HTTP 500)" in at.error[0].value
    assert layer_tables(at) == []
