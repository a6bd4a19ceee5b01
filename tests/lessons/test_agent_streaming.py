"""Lesson "Streaming an agent": what each `stream_mode` of a LangChain 1.x agent yields, checked
against the installed langchain / langgraph through the simulator (recipe); how the lesson names
and stamps each piece (demo); the page's lanes, counts, steps and three layers (AppTest).

AppTest runs no JavaScript, so "shown in browser" stays empty here; tests/e2e/test_agents_browser.py
watches the lanes grow in chromium.
"""

from __future__ import annotations

import pandas as pd
import pytest
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, ToolMessage

from streamlab.demos.agent_streaming import MODES, AgentTimeline, describe_part
from streamlab.measure.layers import BROWSER, LANGCHAIN, SERVER
from streamlab.recipes import agent_streaming as recipe
from streamlab.recipes.agent_streaming import ask, stream_agent
from streamlab.sim.answers import LatencyProfile
from tests.support.agents import LOCAL_TIME, PROGRESS, QUESTION, STEP_ORDER, WEATHER, agent_on
from tests.support.apptest import FAST_PROFILE, layer_tables, open_page

PAGE = "lessons/16_agent_streaming.py"
PACED = LatencyProfile(ttft_ms=20, tokens_per_s=100, jitter_ms=0, seed=1)


@pytest.fixture
def agent(make_llm):
    return agent_on(make_llm)


def parts(agent, *modes):
    return list(stream_agent(agent, QUESTION, list(modes)))


# --- the recipe: what each stream mode yields ------------------------------------------------------


def test_updates_when_the_model_asks_for_two_tools_then_one_update_per_node_run(agent):
    updates = [data for _, data in parts(agent, "updates")]
    assert [next(iter(u)) for u in updates] == STEP_ORDER
    assert all(len(u) == 1 for u in updates)  # {node: what it returned}
    calls = updates[0]["model"]["messages"][-1].tool_calls
    assert [(c["name"], c["args"]) for c in calls] == [
        ("get_weather", {"city": "Paris"}),
        ("get_local_time", {"city": "Paris"}),
    ]
    results = {u["tools"]["messages"][-1].text for u in updates[1:3]}
    assert results == {WEATHER, LOCAL_TIME}
    assert isinstance(updates[-1]["model"]["messages"][-1], AIMessage)


def test_messages_alone_yields_token_metadata_pairs_from_the_model_and_tools_nodes(agent):
    pairs = [data for _, data in parts(agent, "messages")]
    assert all(isinstance(p, tuple) and len(p) == 2 and isinstance(p[1], dict) for p in pairs)
    nodes = {p[1]["langgraph_node"] for p in pairs}
    assert nodes == {"model", "tools"}
    tool_results = [m for m, _ in pairs if isinstance(m, ToolMessage)]
    assert {m.text for m in tool_results} == {WEATHER, LOCAL_TIME}  # tool results come along
    chunks = [m for m, _ in pairs if isinstance(m, AIMessageChunk)]
    assert sum(bool(c.tool_call_chunks) for c in chunks) >= 4  # arguments as partial JSON
    tokens = [c.text for c in chunks if c.text]
    assert len(tokens) > 5
    final = [data for _, data in parts(agent, "values")][-1]["messages"][-1]
    assert "".join(tokens) == final.text


def test_custom_carries_what_the_tool_wrote_and_nothing_else(agent):
    assert [data for _, data in parts(agent, "custom")] == PROGRESS


def test_values_yields_the_whole_state_after_each_step(agent):
    states = [data for _, data in parts(agent, "values")]
    assert [len(s["messages"]) for s in states] == [1, 2, 4, 5]  # both tool results in one step
    assert isinstance(states[0]["messages"][0], HumanMessage)


def test_a_list_of_modes_yields_mode_data_pairs_even_for_one_mode(agent):
    chunks = list(agent.stream(ask(QUESTION), stream_mode=["custom"]))
    assert chunks == [("custom", line) for line in PROGRESS]
    assert list(agent.stream(ask(QUESTION), stream_mode="custom")) == PROGRESS


def test_several_modes_when_streamed_together_then_interleaved_in_arrival_order(agent):
    seen = parts(agent, *MODES)
    assert {mode for mode, _ in seen} == set(MODES)
    order = [(mode, describe_part(mode, data)[0][0]) for mode, data in seen]
    # The weather tool's progress arrives while it works: after the model asked, before its result.
    asked = order.index(("updates", "model step"))
    progress = [i for i, step in enumerate(order) if step[0] == "custom"]
    weather = next(i for i, (mode, data) in enumerate(seen) if mode == "updates" and "tools" in data
                   and data["tools"]["messages"][-1].name == "get_weather")  # fmt: skip
    assert asked < progress[0] and progress[-1] < weather
    # The answer tokens all arrive before the update that holds the whole answer.
    tokens = [i for i, step in enumerate(order) if step == ("messages", "answer token")]
    assert tokens and tokens[-1] < len(order) - 2 and order[-2] == ("updates", "model step")


def test_messages_deliver_the_first_answer_word_long_before_updates_delivers_the_answer(make_llm):
    timeline = AgentTimeline()
    for _ in timeline.wrap(stream_agent(agent_on(make_llm, profile=PACED), QUESTION, list(MODES))):
        pass
    first_token = timeline.first_ms("messages", "answer token")
    answer_step = timeline.of("updates", "model step")[-1].t_ms
    assert first_token is not None and answer_step - first_token > 100  # 16 tokens at 100/s


# --- the demo: how the lesson names each piece -----------------------------------------------------


@pytest.mark.parametrize(
    "mode, data, kind, label",
    [
        ("custom", "Looking up Paris", "progress", "Looking up Paris"),
        ("values", {"messages": [HumanMessage("hi")]}, "state", "1 message (last: HumanMessage)"),
        (
            "messages",
            (AIMessageChunk(content="Hi"), {"langgraph_node": "model"}),
            "answer token",
            "'Hi'",
        ),
        (
            "messages",
            (AIMessageChunk(content=""), {}),
            "empty chunk",
            "(no text: role, finish reason or usage)",
        ),
        (
            "messages",
            (ToolMessage("21 °C", name="get_weather", tool_call_id="c1"), {"langgraph_node": "tools"}),
            "tool result",
            "get_weather → 21 °C",
        ),
        (
            "updates",
            {"model": {"messages": [AIMessage("Done.")]}},
            "model step",
            "model: answers 'Done.'",
        ),
        ("updates", {"before_model": None}, "step", "before_model"),
    ],
)
def test_describe_part_names_each_kind_of_piece(mode, data, kind, label):
    ((got_kind, got_label, _, _),) = describe_part(mode, data)
    assert (got_kind, got_label) == (kind, label)


def test_describe_part_reads_tool_call_chunks_and_calls():
    chunk = AIMessageChunk(
        content="", tool_call_chunks=[{"name": "get_weather", "args": '{"cit', "id": "c1", "index": 0}]
    )
    assert describe_part("messages", (chunk, {}))[0][:2] == ("tool-call chunk", 'get_weather {"cit')
    call = AIMessage("", tool_calls=[{"name": "get_weather", "args": {"city": "Paris"}, "id": "c1"}])
    update = {"model": {"messages": [call]}}
    assert describe_part("updates", update)[0][1] == "model: calls get_weather(city='Paris')"


def test_timeline_stamps_parts_counts_them_per_lane_and_keeps_the_answer_tokens():
    ticks = iter(range(0, 10_000_000, 1_000_000))  # one ms per clock read
    timeline = AgentTimeline(clock=lambda: next(ticks))
    stream = [
        ("updates", {"model": {"messages": [AIMessage("Hi you")]}, "tools": None}),
        ("messages", (AIMessageChunk(content="Hi"), {"langgraph_node": "model"})),
        ("messages", (AIMessageChunk(content=" you"), {"langgraph_node": "model"})),
    ]
    drawn = [len(events) for events in timeline.wrap(stream)]
    assert drawn == [2, 1, 1]  # one update of two nodes is one part, two events
    counts = timeline.counts(["updates", "messages"]).set_index("lane")
    assert counts.loc["updates", "parts"] == 1 and counts.loc["messages", "answer token"] == 2
    assert timeline.step_order() == ["model", "tools"]
    answer = timeline.answer("messages")  # a StreamRecorder on the timeline's clock and origin
    assert answer.start_ns == 0
    assert answer.to_dataframe()[["t_ms", "text"]].to_dict("list") == {
        "t_ms": [2.0, 3.0],
        "text": ["Hi", " you"],
    }
    assert timeline.total_ms == 4.0


# --- the page --------------------------------------------------------------------------------------


def _run(modes=None, question=None, **profile):
    at = open_page(PAGE, profile={**FAST_PROFILE, **profile})
    if modes is not None:
        at.multiselect(key="agent_modes").set_value(modes)
    if question is not None:
        at.text_input(key="agent_question").set_value(question)
    at.button(key="agent_run").click().run()
    assert not at.exception, at.exception
    return at


def tables(at) -> dict[str, pd.DataFrame]:
    found = {}
    for frame in at.dataframe:
        value = frame.value
        if "parts" in value.columns:
            found["counts"] = value.set_index("lane")
        elif "node" in value.columns:
            found["steps"] = value
    return found


def lane_lines(at) -> list[str]:
    return [c.value for c in at.code if " ms · " in c.value]


def answer_text(at) -> str:
    """The messages lane's answer: the page's only plain text, and what the run kept of it."""
    (shown,) = [t.value for t in at.text]
    assert shown == at.session_state["agent_last"]["timeline"].text("messages") != ""
    return shown


def test_page_every_mode_fills_its_lane_and_only_messages_carries_the_answer_tokens_in_three_layers():
    at = _run()
    found = tables(at)
    counts = found["counts"]
    assert list(counts.index) == list(MODES)
    answer = answer_text(at)
    tokens = counts.loc["messages", "answer token"]
    assert tokens > 5 and counts["answer token"].drop("messages").eq(0).all()
    assert counts.loc["custom", "progress"] == 3 and counts.loc["values", "state"] == 4
    assert list(found["steps"]["node"]) == STEP_ORDER
    lines = "\n".join(lane_lines(at))
    assert all(line in lines for line in PROGRESS) and "get_weather → Sunny" in lines
    (layers,) = layer_tables(at)
    assert list(layers.index) == [SERVER, LANGCHAIN, BROWSER]
    assert layers.loc[SERVER, "updates"] == layers.loc[LANGCHAIN, "updates"] == tokens
    assert layers.loc[SERVER, "chars"] == layers.loc[LANGCHAIN, "chars"] == len(answer)
    assert pd.isna(layers.loc[BROWSER, "first token (ms)"])
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["First answer token (messages)"] != "—"
    assert "agent_streaming" in at.session_state["lessons_run"]

    at.run()  # e.g. the browser's report: the lanes are drawn again from what the run kept
    assert not at.exception
    assert answer_text(at) == answer
    assert "\n".join(lane_lines(at)) == lines
    assert tables(at)["counts"].equals(counts)
    assert {m.label: m.value for m in at.metric} == metrics


def test_page_updates_alone_shows_the_steps_and_times_no_layers():
    at = _run(modes=["updates"])
    found = tables(at)
    assert list(found["counts"].index) == ["updates"]
    assert list(found["steps"]["node"]) == STEP_ORDER
    assert layer_tables(at) == []  # no answer token by token: nothing to time in three layers
    assert {m.label: m.value for m in at.metric}["First answer token (messages)"] == "—"


def test_page_without_a_mode_or_a_question_runs_nothing():
    at = _run(modes=[])
    assert "at least one stream mode" in at.error[0].value
    assert not at.dataframe
    at = _run(question="")
    assert "prompt is empty" in at.error[0].value
    assert not at.dataframe


def test_page_a_provider_error_is_explained_not_raised(monkeypatch):
    monkeypatch.setattr(recipe, "PROGRESS_PAUSE_S", 0.0)
    at = _run(sim_fault="500")
    assert "internal error (HTTP 500)" in at.error[0].value
    assert layer_tables(at) == []  # no answer token arrived
    assert tables(at)["counts"].loc["values", "state"] == 1  # only the input state
