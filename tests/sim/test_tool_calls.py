"""Tool calls as OpenAI makes them (issue 13, item 2): several in one message when the question
needs several, one when `parallel_tool_calls` is false, arguments read from the question."""

from __future__ import annotations

import json
import operator
from functools import reduce

import openai
import pytest
from langchain_core.tools import tool

from tests.support.simclient import FAST, post_chat, stream_chat


def function(name: str, **properties: str) -> dict:
    schema = {"type": "object", "properties": {k: {"type": v} for k, v in properties.items()}}
    return {"type": "function", "function": {"name": name, "parameters": schema}}


TOOLS = [function("get_weather", city="string"), function("get_local_time", city="string")]
BOTH = "What is the weather and the local time in Paris?"


@tool
def get_weather(city: str) -> str:
    """Weather for a city."""
    return f"Sunny in {city}"


@tool
def get_local_time(city: str) -> str:
    """Local time in a city."""
    return f"14:05 in {city}"


def ask(sim_base_url: str, question: str, **extra) -> dict:
    body = {"model": "sim-fast", "messages": [{"role": "user", "content": question}], "sim": FAST}
    response = post_chat(sim_base_url, {**body, "tools": TOOLS, **extra})
    assert response.status_code == 200, response.text
    return response.json()["choices"][0]


def calls_of(message: dict) -> list[tuple[str, dict]]:
    return [
        (c["function"]["name"], json.loads(c["function"]["arguments"])) for c in message["tool_calls"]
    ]


@pytest.mark.parametrize(
    "question, extra, expected",
    [
        (BOTH, {}, [("get_weather", {"city": "Paris"}), ("get_local_time", {"city": "Paris"})]),
        (
            "What is the local time and the weather in Tokyo?",
            {},
            [("get_local_time", {"city": "Tokyo"}), ("get_weather", {"city": "Tokyo"})],
        ),
        (BOTH, {"parallel_tool_calls": False}, [("get_weather", {"city": "Paris"})]),
        (
            BOTH,
            {"parallel_tool_calls": True},
            [("get_weather", {"city": "Paris"}), ("get_local_time", {"city": "Paris"})],
        ),
        ("What is the weather in SF?", {}, [("get_weather", {"city": "SF"})]),
        ("what is the weather in lisbon", {}, [("get_weather", {"city": "lisbon"})]),
        ("What time is it in Zürich?", {}, [("get_local_time", {"city": "Zürich"})]),
    ],
    ids=[
        "both",
        "in the order asked",
        "parallel off",
        "parallel on",
        "acronym",
        "lower case",
        "accents",
    ],
)
def test_tools_when_question_needs_them_then_one_call_each_with_arguments_from_it(
    sim_base_url, question, extra, expected
):
    choice = ask(sim_base_url, question, **extra)
    assert choice["finish_reason"] == "tool_calls"
    assert calls_of(choice["message"]) == expected
    ids = [c["id"] for c in choice["message"]["tool_calls"]]
    assert len(set(ids)) == len(ids) and all(i.startswith("call_") for i in ids)


def test_parallel_calls_when_streamed_then_each_call_opens_with_its_id_and_name(sim_base_url):
    body = {"model": "sim-fast", "messages": [{"role": "user", "content": BOTH}], "sim": FAST}
    _, payloads = stream_chat(sim_base_url, {**body, "tools": TOOLS})
    deltas = [p["choices"][0]["delta"] for p in payloads[:-1]]
    headers = [
        (tc["index"], tc["function"]["name"])
        for d in deltas
        for tc in d.get("tool_calls", [])
        if "id" in tc
    ]
    assert headers == [(0, "get_weather"), (1, "get_local_time")]
    arguments = ["", ""]
    for delta in deltas:
        for tc in delta.get("tool_calls", []):
            arguments[tc["index"]] += tc["function"]["arguments"]
    assert [json.loads(a) for a in arguments] == [{"city": "Paris"}, {"city": "Paris"}]
    assert payloads[-2]["choices"][0]["finish_reason"] == "tool_calls" and payloads[-1] == "[DONE]"


def test_parallel_calls_when_streamed_through_the_sdk_then_final_message_has_both(sim_base_url):
    client = openai.OpenAI(base_url=sim_base_url, api_key="sk-test", max_retries=0)
    with client.chat.completions.stream(
        model="sim-fast",
        messages=[{"role": "user", "content": BOTH}],
        tools=TOOLS,
        extra_body={"sim": FAST},
    ) as stream:
        done = [e for e in stream if e.type == "tool_calls.function.arguments.done"]
        final = stream.get_final_completion()
    assert [(e.name, e.index) for e in done] == [("get_weather", 0), ("get_local_time", 1)]
    calls = final.choices[0].message.tool_calls
    assert [(c.function.name, json.loads(c.function.arguments)) for c in calls] == [
        ("get_weather", {"city": "Paris"}),
        ("get_local_time", {"city": "Paris"}),
    ]


@pytest.mark.parametrize("streamed", [False, True])
def test_parallel_calls_when_chat_openai_then_two_tool_calls(make_llm, streamed):
    llm = make_llm().bind_tools([get_weather, get_local_time])
    reply = reduce(operator.add, llm.stream(BOTH)) if streamed else llm.invoke(BOTH)
    assert [(c["name"], c["args"]) for c in reply.tool_calls] == [
        ("get_weather", {"city": "Paris"}),
        ("get_local_time", {"city": "Paris"}),
    ]


def test_parallel_calls_when_chat_openai_says_no_then_one_tool_call(make_llm):
    llm = make_llm().bind_tools([get_weather, get_local_time], parallel_tool_calls=False)
    assert [c["name"] for c in llm.invoke(BOTH).tool_calls] == ["get_weather"]
