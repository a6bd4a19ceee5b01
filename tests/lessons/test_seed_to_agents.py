"""Lesson "From the seed to LangChain 1.x": the agent-era recipes and the `/agent/sse` route against
the installed langchain / langgraph and a real chat server (recipe); every seed/agent pair run and
counted, each SSE event named (demo); agent code as the 1.x docs write it, run unchanged with only
OPENAI_BASE_URL / OPENAI_API_KEY set; the page's table and SSE client (AppTest).
"""

from __future__ import annotations

import io
from contextlib import redirect_stdout

import httpx
import pytest
from fastapi.testclient import TestClient
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from streamlab.client.providers import embedded_config
from streamlab.demos.fastapi.client import fetch_run
from streamlab.demos.fastapi.guards import RequestLimits
from streamlab.demos.fastapi.server import create_chat_app, start_chat_server
from streamlab.demos.seed_to_agents import (
    COLUMNS,
    DOCS_SCRIPT,
    PAIRINGS,
    PairInputs,
    describe_sse,
    measure,
)
from streamlab.measure.layers import LANGCHAIN, SERVER
from streamlab.recipes.seed_to_agents import MAX_STEPS, read_agent_sse, stream_steps, stream_tokens
from tests.support import loopback
from tests.support.agents import LOCAL_TIME, QUESTION, STEP_ORDER, WEATHER, agent_on
from tests.support.apptest import FAST_PROFILE, layer_tables, open_page
from tests.support.factories import INSTANT

PAGE = "lessons/21_seed_to_agents.py"


@pytest.fixture(scope="module")
def chat(sim_server):
    server = start_chat_server(embedded_config(sim_server.base_url, profile=INSTANT))
    yield server
    server.stop()


def sse(chat, **params) -> list[tuple[str, object]]:
    return list(read_agent_sse(chat.base_url + "/agent/sse", {"q": QUESTION, **params}))


# --- the recipe: the agent's forms of llm.stream and chain.stream --------------------------------


def test_stream_tokens_yields_token_metadata_pairs_whose_answer_tokens_join_to_the_answer(make_llm):
    agent = agent_on(make_llm)
    pairs = list(stream_tokens(agent, QUESTION))
    assert all(
        isinstance(meta, dict) and meta["langgraph_node"] in ("model", "tools") for _, meta in pairs
    )
    assert {t.text for t, _ in pairs if isinstance(t, ToolMessage)} == {WEATHER, LOCAL_TIME}
    answer = "".join(t.text for t, _ in pairs if isinstance(t, AIMessageChunk))
    steps = list(stream_steps(agent, QUESTION))
    assert [node for step in steps for node in step] == STEP_ORDER
    assert answer == steps[-1]["model"]["messages"][-1].text


# --- the recipe: the agent's SSE route and its client ----------------------------------------------


def test_agent_sse_when_read_by_the_client_then_steps_frame_the_tokens_and_end_closes(chat):
    events = sse(chat)
    names = [name for name, _ in events]
    assert names[:3] == ["step", "step", "step"] and names[-2:] == ["step", "end"]
    first, *tools = [data for name, data in events[:3]]
    assert first == {"node": "model", "tool_calls": ["get_weather", "get_local_time"], "text": ""}
    assert {t["text"] for t in tools} == {WEATHER, LOCAL_TIME} and {t["node"] for t in tools} == {
        "tools"
    }
    tokens = [data for name, data in events if name == "token"]
    assert len(tokens) > 5 and "".join(tokens) == events[-2][1]["text"]


def test_agent_sse_when_a_trace_id_is_given_then_the_simulator_times_the_answer(chat, sim_server):
    events = sse(chat, trace="0123456789abcdef")
    trace = loopback.get(sim_server.base_url + "/v1/sim/traces/0123456789abcdef", timeout=10).json()
    assert "".join(trace["texts"]) == "".join(data for name, data in events if name == "token")


def test_agent_sse_run_is_probed_like_the_chat_routes(chat):
    with loopback.stream(
        "GET", chat.base_url + "/agent/sse", params={"q": QUESTION}, timeout=30
    ) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        body = "".join(response.iter_text())
    assert "event: end" in body
    run = fetch_run(chat.base_url, response.headers["x-run-id"])
    assert run["endpoint"] == "/agent/sse" and run["outcome"] == "completed" and run["chunks"] > 5


@pytest.mark.parametrize(
    "params, status",
    [
        ({"q": ""}, 422),
        ({"q": "x" * 2001}, 422),
        ({"q": QUESTION, "trace": "../../etc"}, 422),
        ({"q": QUESTION, "ttft_ms": -1}, 422),
        ({"q": QUESTION, "fault": "timeout"}, 422),
        ({"q": QUESTION, "cfg": "unknown-token"}, 404),
    ],
)
def test_agent_sse_when_a_parameter_is_out_of_bounds_then_refused_before_any_run(chat, params, status):
    runs = chat.service.totals()["runs"]
    assert loopback.get(chat.base_url + "/agent/sse", params=params, timeout=10).status_code == status
    assert chat.service.totals()["runs"] == runs


def test_agent_sse_when_the_host_is_foreign_or_a_body_is_sent_then_refused(chat):
    url = chat.base_url + "/agent/sse"
    refused = loopback.get(url, params={"q": QUESTION}, headers={"host": "evil.example"}, timeout=10)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "invalid_host"
    assert httpx.request("GET", url, params={"q": QUESTION}, content=b"x", timeout=10).status_code == 413


class ToolsForever(BaseChatModel):
    """A model that asks for a tool every time: only the step limit ends its run."""

    @property
    def _llm_type(self) -> str:
        return "tools-forever"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        call = {"name": "get_local_time", "args": {"city": "Paris"}, "id": f"c{len(messages)}"}
        return ChatResult(generations=[ChatGeneration(message=AIMessage("", tool_calls=[call]))])

    def bind_tools(self, tools, **kwargs):
        return self


def test_agent_sse_when_the_model_never_stops_calling_tools_then_the_step_limit_ends_it_with_an_error():
    app = create_chat_app(
        "http://127.0.0.1:9",
        model_factory=lambda config, sim: ToolsForever(),
        limits=RequestLimits(loopback_hosts_only=False),  # TestClient's host is "testserver"
    )
    with TestClient(app) as client:
        body = client.get("/agent/sse", params={"q": QUESTION}).text
    events = [line.removeprefix("event: ") for line in body.splitlines() if line.startswith("event:")]
    assert events.count("step") == MAX_STEPS and events[-1] == "error"  # one step each, then no "end"
    assert "GraphRecursionError" in body and f"Recursion limit of {MAX_STEPS}" in body


# --- the demo: every pair counted; SSE events named --------------------------------------------------


def test_every_pair_runs_both_sides_and_counts_what_each_yielded(make_llm, chat):
    inputs = PairInputs(
        seed_llm=lambda: make_llm(max_tokens=20),
        agent_llm=make_llm,
        question=QUESTION,
        chat_url=chat.base_url,
        params={},
    )
    rows = {row["seed"]: row for row in measure([p.id for p in PAIRINGS], inputs)}
    assert list(rows) == [p.seed for p in PAIRINGS]
    for row in rows.values():
        assert list(row) == COLUMNS
        assert row["seed: pieces"] > 0 and row["1.x: pieces"] > 0, row
        assert not row["1.x: what came"].startswith("failed"), row
    by_id = dict(zip((p.id for p in PAIRINGS), rows.values(), strict=True))
    assert by_id["chain.stream"]["1.x: pieces"] == 4
    assert by_id["chain.stream"]["1.x: what came"] == " → ".join(STEP_ORDER)
    assert by_id["RunnableParallel"]["1.x: pieces"] == 2  # two tool runs in one step
    # The slow weather tool was asked first and finished last: the calls ran at the same time.
    assert by_id["RunnableParallel"]["1.x: what came"] == (
        "asked get_weather, get_local_time; finished get_local_time, get_weather"
    )
    assert "token" in by_id["StreamingResponse"]["1.x: what came"]


def test_a_pair_whose_side_fails_keeps_its_row_and_says_why(make_llm):
    inputs = PairInputs(make_llm, make_llm, QUESTION, "http://127.0.0.1:9", {})
    (row,) = measure(["StreamingResponse"], inputs)
    assert row["seed: pieces"] is None and row["1.x: what came"].startswith("failed: ")


@pytest.mark.parametrize(
    "event, data, lane, kind, label",
    [
        ("token", "Hi", "token", "answer token", "'Hi'"),
        ("step", {"node": "model", "tool_calls": ["get_weather"], "text": ""}, "step", "model step",
         "model: calls get_weather"),
        ("step", {"node": "tools", "tool_calls": [], "text": WEATHER}, "step", "tool result",
         f"tools: {WEATHER}"),
        ("end", "done", "step", "step", "end: done"),
    ],
)  # fmt: skip
def test_describe_sse_names_each_event(event, data, lane, kind, label):
    got_lane, described = describe_sse(event, data)
    assert (got_lane, *described[:2]) == (lane, kind, label)


# --- agent code as the LangChain 1.x docs write it ----------------------------------------------------


def test_docs_agent_code_runs_unchanged_with_only_the_base_url_and_a_key_set(sim_base_url, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", sim_base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-docs-code-no-real-key")
    namespace: dict = {"__name__": "docs_agent"}
    out = io.StringIO()
    with redirect_stdout(out), pytest.warns(match="v3 streaming protocol"):
        exec(compile(DOCS_SCRIPT, "<docs agent>", "exec"), namespace)
    printed = out.getvalue()
    steps = [line.removeprefix("step: ") for line in printed.splitlines() if line.startswith("step: ")]
    assert steps == ["model", "tools", "model"]
    assert "'name': 'get_weather'" in printed and "It's always sunny in SF!" in printed
    final = namespace["final_state"]["messages"][-1]
    assert final.response_metadata["model_name"] == "gpt-5-nano"
    assert printed.rstrip().endswith(final.text)  # the v3 text deltas, printed as they came


# --- the page ---------------------------------------------------------------------------------------


def _open(**profile):
    return open_page(PAGE, profile={**FAST_PROFILE, **profile})


def test_page_runs_every_pair_into_one_table():
    at = _open()
    at.button(key="s2a_run").click().run()
    assert not at.exception, at.exception
    (table,) = [frame.value for frame in at.dataframe if "seed: pieces" in frame.value.columns]
    assert list(table["seed"]) == [p.seed for p in PAIRINGS]
    assert table["seed: pieces"].gt(0).all() and table["1.x: pieces"].gt(0).all()
    assert not table["1.x: what came"].str.startswith("failed").any()
    assert "seed_to_agents" in at.session_state["lessons_run"]


def test_page_runs_only_the_picked_pairs_and_refuses_none():
    at = _open()
    at.multiselect(key="s2a_rows").set_value(["chain.stream"])
    at.button(key="s2a_run").click().run()
    (table,) = [frame.value for frame in at.dataframe if "seed: pieces" in frame.value.columns]
    assert list(table["seed"]) == ["chain.stream(x)"]
    at.multiselect(key="s2a_rows").set_value([])
    at.button(key="s2a_run").click().run()
    assert "at least one pair" in at.error[0].value


def test_page_sse_client_draws_steps_and_tokens_and_times_the_tokens_in_three_layers():
    at = _open()
    at.button(key="s2a_sse_run").click().run()
    assert not at.exception, at.exception
    (answer,) = [t.value for t in at.text]
    steps = next(c.value for c in at.code if "model: calls get_weather, get_local_time" in c.value)
    assert f"tools: {WEATHER}" in steps and f"model: {answer[:40]}" in steps and "end: done" in steps
    (layers,) = layer_tables(at)
    assert layers.loc[SERVER, "updates"] == layers.loc[LANGCHAIN, "updates"] > 5
    assert layers.loc[SERVER, "chars"] == layers.loc[LANGCHAIN, "chars"] == len(answer)
    curl = next(c.value for c in at.code if c.value.startswith("curl -N"))
    assert "/agent/sse?q=What+is+the+weather" in curl and "trace=" not in curl
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["First step event"] != "—" and metrics["First token event"] != "—"

    at.run()  # the browser's report: the lanes are drawn again from what the run kept
    assert not at.exception
    assert [t.value for t in at.text] == [answer]
    assert {m.label: m.value for m in at.metric} == metrics


def test_page_sse_when_the_model_fails_then_the_error_event_is_explained():
    at = _open(sim_fault="500")
    at.button(key="s2a_sse_run").click().run()
    assert not at.exception, at.exception
    assert "the route sent an error event: OpenAIAPIError: Error code: 500" in at.error[0].value
    assert layer_tables(at) == []  # no token arrived
    assert "end: done" not in "".join(c.value for c in at.code)
