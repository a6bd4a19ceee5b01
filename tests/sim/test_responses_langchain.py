"""ChatOpenAI(use_responses_api=True) against the simulator: stream, invoke, tools, reasoning summaries.

The real langchain-openai client, over real HTTP: what works here works against OpenAI.
"""

from __future__ import annotations

import time

from langchain_core.messages import AIMessageChunk, HumanMessage, ToolMessage
from langchain_core.tools import tool
from pydantic import BaseModel

from streamlab.sim.options import LatencyProfile


@tool
def get_weather(city: str) -> str:
    """Current weather in a city."""
    return f"sunny in {city}"


@tool
def get_local_time(city: str) -> str:
    """Local time in a city."""
    return f"12:00 in {city}"


def text_of(chunk: AIMessageChunk) -> str:
    return chunk.text


def thought_of(chunk: AIMessageChunk) -> str:
    """The reasoning summary text a chunk carries (LangChain's `reasoning` content blocks)."""
    blocks = chunk.content if isinstance(chunk.content, list) else []
    return "".join(
        s.get("text", "")
        for b in blocks
        if isinstance(b, dict) and b.get("type") == "reasoning"
        for s in b.get("summary", [])
    )


def test_stream_when_responses_api_then_same_text_as_invoke_and_usage(make_llm):
    llm = make_llm(use_responses_api=True)
    chunks = list(llm.stream("Explain RAG"))
    whole = llm.invoke("Explain RAG")
    merged = sum(chunks[1:], chunks[0])
    assert merged.text == whole.text and "Retrieval-Augmented Generation" in whole.text
    assert sum(bool(text_of(c)) for c in chunks) > 10
    assert merged.usage_metadata == whole.usage_metadata
    assert whole.response_metadata["id"].startswith("resp_")


async def test_astream_events_when_responses_api_then_stream_events_carry_the_text(make_llm):
    llm = make_llm(use_responses_api=True)
    texts = [
        e["data"]["chunk"].text
        async for e in llm.astream_events("Explain LCEL", version="v2")
        if e["event"] == "on_chat_model_stream"
    ]
    assert "LCEL" in "".join(texts) and sum(map(bool, texts)) > 10


def test_bind_tools_when_question_needs_one_then_tool_call_with_argument_from_question(make_llm):
    llm = make_llm(use_responses_api=True).bind_tools([get_weather, get_local_time])
    reply = llm.invoke("What is the weather in SF?")
    assert [(c["name"], c["args"]) for c in reply.tool_calls] == [("get_weather", {"city": "SF"})]


def test_bind_tools_when_two_needed_then_parallel_tool_calls_streamed(make_llm):
    llm = make_llm(use_responses_api=True).bind_tools([get_weather, get_local_time])
    chunks = list(llm.stream("Weather and local time in Paris?"))
    merged = sum(chunks[1:], chunks[0])
    assert [(c["name"], c["args"]) for c in merged.tool_calls] == [
        ("get_weather", {"city": "Paris"}),
        ("get_local_time", {"city": "Paris"}),
    ]


def test_tool_result_when_sent_back_then_answer_uses_it(make_llm):
    llm = make_llm(use_responses_api=True).bind_tools([get_weather])
    question = HumanMessage("What is the weather in Paris?")
    call = llm.invoke([question])
    result = ToolMessage(
        get_weather.invoke(call.tool_calls[0]["args"]), tool_call_id=call.tool_calls[0]["id"]
    )
    answer = llm.invoke([question, call, result])
    assert not answer.tool_calls and "sunny in Paris" in answer.text


def test_structured_output_when_responses_api_then_parsed_model(make_llm):
    class Place(BaseModel):
        city: str
        country: str

    llm = make_llm(use_responses_api=True).with_structured_output(Place, method="json_schema")
    assert llm.invoke("A trip to Paris in France.") == Place(city="Paris", country="France")


def test_reasoning_when_streamed_then_summary_chunks_precede_answer_chunks(make_llm):
    llm = make_llm(
        model="o4-mini", use_responses_api=True, reasoning={"effort": "low", "summary": "auto"}
    )
    chunks = list(llm.stream("Explain RAG"))
    kinds = ["thought" if thought_of(c) else "text" for c in chunks if thought_of(c) or text_of(c)]
    assert kinds == ["thought"] * kinds.count("thought") + ["text"] * kinds.count("text")
    assert kinds.count("thought") > 5 and kinds.count("text") > 10
    merged = sum(chunks[1:], chunks[0])
    assert merged.usage_metadata["output_token_details"]["reasoning"] > 0
    assert merged.content_blocks[0]["type"] == "reasoning"
    assert merged.content_blocks[0]["reasoning"].startswith("**Understanding the question**")


def first_token_times(llm, prompt: str) -> tuple[float, float]:
    """(first thought, first answer word) in ms after `stream()` was called."""
    thought = word = None
    start = time.perf_counter()
    for chunk in llm.stream(prompt):
        now = (time.perf_counter() - start) * 1000
        if thought is None and thought_of(chunk):
            thought = now
        if word is None and text_of(chunk):
            word = now
    assert thought is not None and word is not None
    return thought, word


def test_reasoning_when_timed_through_chat_openai_then_two_first_token_times(make_llm):
    llm = make_llm(
        model="sim-reasoning",
        profile=LatencyProfile(ttft_ms=200, tokens_per_s=400),
        sim={"think_ms": 700},
        use_responses_api=True,
        reasoning={"effort": "low", "summary": "auto"},
    )
    first_token_times(llm, "Warm up")  # the first call also pays for the client's setup
    thought, word = first_token_times(llm, "Explain RAG")
    assert 200 <= thought < 200 + 1000  # upper bounds leave room for a loaded machine
    assert 900 <= word < 900 + 1000
    assert word - thought >= 700 - 50
