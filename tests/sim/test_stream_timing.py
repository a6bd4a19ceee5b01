"""When the simulator's chunks leave: the first chunk comes with the first token (issue 13, item 1).

A real server sends its first chunk (the assistant role, or a tool call's name and id) when
generation starts, so whoever times "the first chunk", the SDK's first event or LangChain's
first `astream_events` event reads the true time to first token, never a near-zero one.
"""

from __future__ import annotations

import time

import openai
import pytest
from langchain_core.tools import tool

from tests.support import loopback
from tests.support.simclient import AUTH

TTFT = {"ttft_ms": 300, "tokens_per_s": 50}
MESSAGES = [{"role": "user", "content": "Explain RAG"}]
WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    },
}


@tool
def get_weather(city: str) -> str:
    """Weather for a city."""
    return f"Sunny in {city}"


def line_arrivals(base_url: str, body: dict) -> list[tuple[float, str]]:
    start = time.perf_counter()
    with loopback.stream("POST", base_url + "/chat/completions", json=body, headers=AUTH) as response:
        return [(time.perf_counter() - start, line) for line in response.iter_lines() if line]


@pytest.mark.parametrize(
    "extra, first_kind",
    [({}, '"role":"assistant"'), ({"tools": [WEATHER]}, '"name":"get_weather"')],
    ids=["text", "tool call"],
)
def test_first_chunk_when_ttft_set_then_arrives_with_the_first_token(sim_base_url, extra, first_kind):
    body = {"model": "sim-fast", "stream": True, "sim": TTFT, **extra}
    body["messages"] = [{"role": "user", "content": "What is the weather in Paris?"}]
    arrivals = line_arrivals(sim_base_url, body)
    (t_first, first), (t_second, _) = arrivals[0], arrivals[1]
    assert first_kind in first
    assert 0.28 <= t_first < 1.5, "the first chunk waited for generation to start"
    assert t_second - t_first < 0.03, "and the first token came with it"


def test_sdk_stream_when_ttft_set_then_first_event_is_not_early(sim_base_url):
    client = openai.OpenAI(base_url=sim_base_url, api_key="sk-test", max_retries=0)
    with client.chat.completions.stream(model="sim-fast", messages=MESSAGES) as warm_up:
        warm_up.until_done()  # the SDK's first stream imports and builds its parsers
    start = time.perf_counter()
    with client.chat.completions.stream(
        model="sim-fast", messages=MESSAGES, extra_body={"sim": TTFT}, max_tokens=3
    ) as stream:
        first_event = next(iter(stream))
        t_first = time.perf_counter() - start
    assert first_event.type == "chunk"
    assert 0.28 <= t_first < 1.5


async def test_astream_events_when_ttft_set_then_first_model_chunk_is_not_early(make_llm):
    llm = make_llm(profile=None, sim=TTFT, max_tokens=3)
    start = time.perf_counter()
    async for event in llm.bind_tools([get_weather]).astream_events("Weather in Paris?"):
        if event["event"] == "on_chat_model_stream":
            assert event["data"]["chunk"].tool_call_chunks[0]["name"] == "get_weather"
            assert 0.28 <= time.perf_counter() - start < 1.5
            break
    else:
        pytest.fail("no chat model chunk")
