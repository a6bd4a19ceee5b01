"""Lesson "Event streaming v3": the agent's typed projections read side by side, v2's flat list of the
same agent, and what the installed langchain / langgraph mark as experimental (recipe); how each
item is named (demo); the page's two runs, their comparison and layers (AppTest).

AppTest runs no JavaScript; tests/e2e/test_agents_browser.py watches the lanes grow in chromium.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import warnings
from collections import defaultdict
from pathlib import Path

import pytest
from langchain_core._api.beta_decorator import LangChainBetaWarning
from langchain_core.messages import AIMessage, AIMessageChunk, ToolMessage
from langgraph.stream import CustomTransformer, UpdatesTransformer

from components.views.agent_events import REASONING
from streamlab.client.async_bridge import run_sync
from streamlab.demos.agent_events import describe_v2, describe_v3, installed_versions, v3_lane
from streamlab.measure.layers import LANGCHAIN, SERVER
from streamlab.recipes.agent_events import read_v2, read_values, watch_agent
from streamlab.recipes.agent_streaming import ask
from tests.support.agents import LOCAL_TIME, PROGRESS, QUESTION, WEATHER, agent_on
from tests.support.apptest import FAST_PROFILE, layer_tables, open_page

PAGE = "lessons/17_agent_events.py"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def agent(make_llm):
    return agent_on(make_llm)


def collect(work) -> tuple[dict[str, list], object]:
    """Run a recipe whose `show` callback is the last argument; its items by name, and its result."""
    seen: dict[str, list] = defaultdict(list)

    async def go():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", LangChainBetaWarning)
            return await work(lambda name, item: seen[name].append(item))

    result = run_sync(go())
    return dict(seen), result


# --- the recipe: v3 projections, read together ------------------------------------------------------


def test_v3_when_four_readers_run_at_once_then_each_gets_all_of_its_items_and_blocks_at_the_end(agent):
    seen, final = collect(lambda show: watch_agent(agent, QUESTION, show))
    answer = final["messages"][-1]
    assert "".join(seen["text"]) == answer.text and len(seen["text"]) > 5
    assert len(seen["output"]) == 2  # one ChatModelStream per model call
    assert [c["name"] for c in seen["tool_call_chunks"] if c.get("name")][:1] == ["get_weather"]
    assert sorted(c.tool_name for c in seen["tool started"]) == ["get_local_time", "get_weather"]
    assert {c.output for c in seen["tool finished"]} == {WEATHER, LOCAL_TIME}
    assert [len(s["messages"]) for s in seen["values"]] == [1, 2, 4, 5]
    assert seen["custom"] == PROGRESS
    assert seen.get("reasoning", []) == []  # a chat-completions model sends no reasoning
    assert "tool output" not in seen  # these tools stream no output deltas of their own
    # v3 assembles the final message as content blocks; stream_mode keeps the provider's string.
    assert (
        isinstance(seen["output"][-1].content, list) and seen["output"][-1].content[0]["type"] == "text"
    )
    streamed = list(agent.stream(ask(QUESTION), stream_mode="values"))[-1]["messages"][-1]
    assert isinstance(streamed.content, str) and streamed.content == answer.text


def test_v3_a_projection_read_alone_gets_the_same_items_as_read_among_others(agent):
    alone, _ = collect(lambda show: _values_only(agent, show))
    together, _ = collect(lambda show: watch_agent(agent, QUESTION, show))
    assert [len(s["messages"]) for s in alone["values"]] == [
        len(s["messages"]) for s in together["values"]
    ]


async def _values_only(agent, show):
    run = await agent.astream_events(ask(QUESTION), version="v3")
    await read_values(run, show)


def test_v3_reasoning_fills_with_a_reasoning_model_on_the_responses_api(make_llm):
    seen, _ = collect(lambda show: watch_agent(agent_on(make_llm, **REASONING), QUESTION, show))
    assert len(seen["reasoning"]) > 5 and "tool" in "".join(seen["reasoning"])
    assert len(seen["text"]) > 5


# --- the recipe: what is experimental in the installed versions ----------------------------------


# A fresh process: LangChain emits a beta warning only the first time the process uses the API.
WARNINGS_SCRIPT = """
import asyncio, warnings
from langchain_openai import ChatOpenAI
from streamlab.recipes.agent_streaming import ask, build_agent

agent = build_agent(ChatOpenAI(model="sim-fast", api_key="unused", base_url="http://127.0.0.1:9/v1"))

async def open_and_close(version):  # no request is sent: nothing is read
    if version == "v3":
        run = await agent.astream_events(ask("x"), version="v3")
        await run.abort()
    else:
        await agent.astream_events(ask("x"), version="v2").aclose()

for version in ("v2", "v3", "v3"):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        asyncio.run(open_and_close(version))
    said = sorted({f"{w.category.__name__}: {w.message}" for w in caught
                   if not issubclass(w.category, ResourceWarning)})
    print(version, said)
"""


def test_v3_on_an_agent_warns_once_per_process_that_it_is_experimental_and_v2_warns_nothing():
    done = subprocess.run(
        [sys.executable, "-c", WARNINGS_SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    beta = "LangChainBetaWarning: The v3 streaming protocol on Pregel is experimental."
    assert done.stdout.splitlines() == ["v2 []", f"v3 [{beta!r}]", "v3 []"]


async def _open_v3(agent, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LangChainBetaWarning)
        return await agent.astream_events(ask(QUESTION), version="v3", **kwargs)


def test_v3_chooses_the_stream_modes_itself(agent):
    with pytest.raises(TypeError, match="do not accept stream_mode"):
        run_sync(_open_v3(agent, stream_mode="updates"))


def test_v3_custom_and_updates_are_projections_only_with_their_transformers(agent):
    async def projections(**kwargs):
        run = await _open_v3(agent, **kwargs)
        await run.abort()  # nothing was read: no request was sent
        return set(run.extensions)

    default = run_sync(projections())
    assert default == {"values", "messages", "lifecycle", "subgraphs", "tool_calls", "subagents"}
    added = run_sync(projections(transformers=[CustomTransformer, UpdatesTransformer]))
    assert added - default == {"custom", "updates"}


def test_v3_a_projection_takes_one_reader_and_atee_fans_it_out(agent):
    async def go():
        run = await _open_v3(agent)
        first, second = run.values.atee(2)
        states = await asyncio.gather(_drain(first), _drain(second))
        with pytest.raises(RuntimeError, match="already has a subscriber"):
            await anext(aiter(run.values))
        return states

    one, two = run_sync(go())
    assert [len(s["messages"]) for s in one] == [len(s["messages"]) for s in two] == [1, 2, 4, 5]


async def _drain(items):
    return [item async for item in items]


# --- the recipe: v2, the same agent in one list ------------------------------------------------------


def test_v2_is_one_flat_list_where_tools_pair_by_run_id_and_stream_writer_output_never_appears(agent):
    seen, _ = collect(lambda show: read_v2(agent, QUESTION, show))
    events = seen["v2"]
    names = {e["event"] for e in events}
    assert {"on_chat_model_stream", "on_tool_start", "on_tool_end", "on_chain_stream"} <= names
    assert "on_custom_event" not in names
    assert not any(line in repr(e.get("data")) for e in events for line in PROGRESS)
    starts = {e["run_id"]: e["name"] for e in events if e["event"] == "on_tool_start"}
    ends = {e["run_id"]: e["name"] for e in events if e["event"] == "on_tool_end"}
    assert starts == ends and sorted(starts.values()) == ["get_local_time", "get_weather"]
    chunks = [e["data"]["chunk"] for e in events if e["event"] == "on_chat_model_stream"]
    assert any(c.tool_call_chunks for c in chunks)  # tool-call chunks and tokens come the same way
    final = next(e for e in reversed(events) if e["event"] == "on_chat_model_end")["data"]["output"]
    assert "".join(c.text for c in chunks) == final.text


# --- the demo: naming each item -----------------------------------------------------------------------


class Call:
    tool_name, input, output, error = "get_weather", {"city": "Paris"}, WEATHER, None


@pytest.mark.parametrize(
    "name, item, lane, kind, label",
    [
        ("text", "Hi", "messages", "answer token", "'Hi'"),
        ("reasoning", "Hmm", "messages", "reasoning token", "'Hmm'"),
        ("tool_call_chunks", {"name": "get_weather", "args": '{"cit'}, "messages", "tool-call chunk",
         'get_weather {"cit'),
        ("output", AIMessage("Done."), "messages", "model step", "output: answers 'Done.'"),
        ("tool started", Call(), "tool_calls", "step", "get_weather started with {'city': 'Paris'}"),
        ("tool finished", Call(), "tool_calls", "tool result", f"get_weather → {WEATHER}"),
        ("custom", PROGRESS[0], "custom", "progress", PROGRESS[0]),
    ],
)  # fmt: skip
def test_describe_v3_names_each_item_and_its_lane(name, item, lane, kind, label):
    assert v3_lane(name) == lane
    assert describe_v3(name, item)[:2] == (kind, label)


def v2_event(kind: str, name: str, **data) -> dict:
    return {"event": kind, "name": name, "data": data}


@pytest.mark.parametrize(
    "event, kind, label",
    [
        (
            v2_event("on_chat_model_stream", "ChatOpenAI", chunk=AIMessageChunk("Hi")),
            "answer token",
            "'Hi'",
        ),
        (
            v2_event("on_tool_end", "get_weather", output=ToolMessage(WEATHER, tool_call_id="c")),
            "tool result",
            f"on_tool_end get_weather → {WEATHER}",
        ),
        (v2_event("on_chain_start", "LangGraph"), "step", "on_chain_start LangGraph"),
    ],
)
def test_describe_v2_names_each_event(event, kind, label):
    assert describe_v2(event)[:2] == (kind, label)


def test_installed_versions_are_the_pinned_ones():
    pinned = {"langchain": "1.5.0", "langgraph": "1.2.22", "langchain-core": "1.8.3"}
    assert installed_versions() == pinned


# --- the page -----------------------------------------------------------------------------------------


def _run(question=None, reasoning=False, **profile):
    at = open_page(PAGE, profile={**FAST_PROFILE, **profile})
    if question is not None:
        at.text_input(key="agent_ev_question").set_value(question)
    if reasoning:
        at.toggle(key="agent_ev_reasoning_model").set_value(True)
    at.button(key="agent_ev_run").click().run()
    assert not at.exception, at.exception
    return at


def frames(at) -> dict:
    found = {}
    for frame in at.dataframe:
        value = frame.value
        if "items read" in value.columns:
            found["compare"] = value.set_index("run")
        elif "parts" in value.columns:
            found["v3"] = value.set_index("lane")
        elif "event" in value.columns:
            found["v2"] = dict(zip(value["event"], value["count"], strict=True))
    return found


def test_page_runs_v3_and_v2_side_by_side_and_both_stream_the_same_answer_in_three_layers():
    at = _run()
    found = frames(at)
    compare, v3, v2 = found["compare"], found["v3"], found["v2"]
    assert compare.loc["v3", "answer"] == compare.loc["v2", "answer"] != ""
    assert compare.loc["v2", "items read"] > compare.loc["v3", "items read"]  # v2: more to sort
    assert v3.loc["messages", "answer token"] > 5 and v3.loc["messages", "model step"] == 2
    assert (v3.loc["tool_calls", "step"], v3.loc["tool_calls", "tool result"]) == (2, 2)
    assert v3.loc["values", "state"] == 4 and v3.loc["custom", "progress"] == 3
    assert v2["on_tool_start"] == v2["on_tool_end"] == 2 and "on_custom_event" not in v2
    assert "The v3 streaming protocol on Pregel is experimental." in at.warning[0].value
    answers = [t.value for t in at.text]
    assert answers == [compare.loc["v3", "answer"]] * 2  # both answer lanes, as plain text
    tables = layer_tables(at)
    assert len(tables) == 2
    tokens = v3.loc["messages", "answer token"]
    for table in tables:
        assert table.loc[SERVER, "updates"] == table.loc[LANGCHAIN, "updates"] == tokens
        assert table.loc[SERVER, "chars"] == table.loc[LANGCHAIN, "chars"] == len(answers[0])
    assert "agent_events" in at.session_state["lessons_run"]

    at.run()  # the browser's report: both boards are drawn again from what the runs kept
    assert not at.exception
    assert [t.value for t in at.text] == answers
    assert frames(at)["compare"].equals(compare)


def test_page_with_a_reasoning_model_fills_the_reasoning_lane_before_the_answer():
    at = _run(reasoning=True)
    v3 = frames(at)["v3"]
    assert v3.loc["messages", "reasoning token"] > 5
    v3_thought, v3_answer, v2_thought, v2_answer = [t.value for t in at.text]
    assert "tool" in v3_thought and "tool" in v2_thought and "\n\n" in v3_thought  # two model calls
    assert v3_answer == v2_answer != ""
    assert len(layer_tables(at)) == 2


def test_page_empty_question_is_refused_and_a_provider_error_is_explained():
    at = _run(question="")
    assert "prompt is empty" in at.error[0].value
    at = _run(sim_fault="500")
    assert len(at.error) == 2 and all("internal error (HTTP 500)" in e.value for e in at.error)
    assert layer_tables(at) == []
