"""The real `ChatOpenAI` against the embedded simulator: what lessons claim about streaming.

Every fact a page states (chunk shapes, usage, the `streaming` flag, callbacks, errors, tool
call chunks) is asserted here on the genuine client over HTTP, so a library upgrade that
changes the behaviour turns this file red before a page tells learners something stale.
"""

from __future__ import annotations

import operator
from functools import reduce

import openai
import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, ToolMessage
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.tools import tool
from pydantic import BaseModel

HELLO = "Hello brave new world"  # 4 simulator tokens: 'Hello', ' brave', ' new', ' world'
NINE_TOKENS = "Tokens arrive one by one as the model writes"


class TokenCounter(BaseCallbackHandler):
    def __init__(self) -> None:
        self.tokens: list[str] = []

    def on_llm_new_token(self, token: str, **kwargs) -> None:
        self.tokens.append(token)


@tool
def get_weather(city: str, days: int) -> str:
    """Weather forecast for a city over some days."""
    return f"Sunny in {city} for {days} days"


def chunk_shape(chunk: AIMessageChunk) -> tuple:
    """The parts of a chunk a lesson talks about, without ids and timings."""
    usage = chunk.usage_metadata
    return (
        chunk.content,
        chunk.response_metadata.get("finish_reason"),
        usage and usage["output_tokens"],
        chunk.chunk_position,
    )


def test_stream_when_joined_then_equals_invoke_text_for_same_seed(make_llm):
    llm = make_llm()
    chunks = list(llm.stream("Explain RAG"))
    whole = llm.invoke("Explain RAG")
    assert len(chunks) > 20
    assert "".join(c.content for c in chunks) == whole.content
    assert "Retrieval-Augmented Generation" in whole.content


async def test_astream_when_joined_then_equals_ainvoke_text(make_llm):
    llm = make_llm()
    chunks = [c async for c in llm.astream("Explain RAG")]
    whole = await llm.ainvoke("Explain RAG")
    assert len(chunks) > 20
    assert all(isinstance(c, AIMessageChunk) for c in chunks)
    assert "".join(c.content for c in chunks) == whole.content


def test_stream_usage_when_on_then_one_chunk_counts_the_content_tokens(make_llm):
    chunks = list(make_llm().stream("Explain RAG"))
    with_usage = [c for c in chunks if c.usage_metadata]
    content_chunks = [c for c in chunks if c.content]
    assert len(with_usage) == 1
    usage = with_usage[0].usage_metadata
    assert usage["output_tokens"] == len(content_chunks)
    assert usage["input_tokens"] == 3  # 'Expl', 'ain', ' RAG': the simulator's tokenizer
    assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]


def test_stream_usage_when_off_then_no_chunk_has_usage(make_llm):
    chunks = list(make_llm(stream_usage=False).stream("Explain RAG"))
    assert [c for c in chunks if c.usage_metadata] == []


def test_stream_shape_is_role_then_tokens_then_finish_then_usage_then_last(make_llm):
    chunks = list(make_llm(sim={"text": HELLO}).stream("hi"))
    assert [chunk_shape(c) for c in chunks] == [
        ("", None, None, None),  # the role chunk: no text yet
        ("Hello", None, None, None),
        (" brave", None, None, None),
        (" new", None, None, None),
        (" world", None, None, None),
        ("", "stop", None, None),  # finish_reason arrives on its own empty chunk
        ("", None, 4, None),  # stream_usage=True: the usage-only chunk
        ("", None, None, "last"),  # added by langchain-core, not sent by the server
    ]
    assert len({c.id for c in chunks}) == 1  # one message id for the whole stream


@pytest.mark.parametrize("stream_usage, n_chunks", [(False, 12), (True, 13)])
def test_chunk_count_is_not_token_count(make_llm, stream_usage, n_chunks):
    llm = make_llm(sim={"text": NINE_TOKENS}, stream_usage=stream_usage)
    chunks = list(llm.stream("hi"))
    assert sum(1 for c in chunks if c.content) == 9
    assert len(chunks) == n_chunks  # role + 9 tokens + finish [+ usage] + last


def test_chunks_when_added_then_merge_content_and_usage(make_llm):
    chunks = list(make_llm(sim={"text": HELLO}).stream("hi"))
    pair = chunks[1] + chunks[2]
    assert isinstance(pair, AIMessageChunk)
    assert pair.content == "Hello brave"
    full = reduce(operator.add, chunks)
    assert full.content == HELLO
    assert full.usage_metadata["output_tokens"] == 4
    assert full.response_metadata["finish_reason"] == "stop"
    assert full.response_metadata["model_name"] == "sim-fast"
    assert full.chunk_position == "last"


def test_ai_message_plus_chunk_builds_a_prompt_not_a_merged_message(make_llm):
    llm = make_llm(sim={"text": HELLO})
    whole = llm.invoke("hi")
    chunk = list(llm.stream("hi"))[1]
    combined = whole + chunk
    assert isinstance(whole, AIMessage) and not isinstance(whole, AIMessageChunk)
    assert isinstance(combined, ChatPromptTemplate)  # two messages, not one longer one


def test_streaming_false_when_streamed_then_exactly_one_chunk(make_llm, server_stats):
    before = server_stats()["streams_started"]
    chunks = list(make_llm(sim={"text": HELLO}, streaming=False).stream("hi"))
    assert len(chunks) == 1
    assert chunks[0].content == HELLO
    assert server_stats()["streams_started"] == before  # a plain, non-streaming request


def test_streaming_unset_when_streamed_then_many_chunks(make_llm, server_stats):
    before = server_stats()["streams_started"]
    llm = make_llm(sim={"text": HELLO})
    assert llm.streaming is False  # the default value, but not *explicitly* False
    chunks = list(llm.stream("hi"))
    assert [c.content for c in chunks if c.content] == ["Hello", " brave", " new", " world"]
    assert server_stats()["streams_started"] == before + 1


def test_streaming_true_when_invoked_then_new_token_callbacks_fire(make_llm, server_stats):
    counter = TokenCounter()
    before = server_stats()["streams_started"]
    reply = make_llm(sim={"text": HELLO}, streaming=True).invoke("hi", {"callbacks": [counter]})
    assert reply.content == HELLO
    # one callback per chunk: role, 4 tokens, finish, usage, last
    assert counter.tokens == ["", "Hello", " brave", " new", " world", "", "", ""]
    assert server_stats()["streams_started"] == before + 1


def test_streaming_unset_when_invoked_then_no_new_token_callbacks(make_llm, server_stats):
    counter = TokenCounter()
    before = server_stats()["streams_started"]
    reply = make_llm(sim={"text": HELLO}).invoke("hi", {"callbacks": [counter]})
    assert reply.content == HELLO
    assert counter.tokens == []
    assert server_stats()["streams_started"] == before


@pytest.mark.parametrize(
    "fault, error, status",
    [
        ("429", openai.RateLimitError, 429),
        ("401", openai.AuthenticationError, 401),
        ("500", openai.InternalServerError, 500),
    ],
)
def test_http_fault_when_streaming_then_raises_the_openai_error(make_llm, fault, error, status):
    llm = make_llm(sim={"fault": fault})
    received = []
    with pytest.raises(error) as info:
        received.extend(llm.stream("Explain RAG"))
    assert info.value.status_code == status
    assert received == []  # HTTP errors come before the first chunk


def test_http_fault_when_invoked_then_raises_the_openai_error(make_llm):
    with pytest.raises(openai.RateLimitError, match="Rate limit reached"):
        make_llm(sim={"fault": "429"}).invoke("Explain RAG")


def test_drop_after_when_streaming_then_partial_chunks_then_api_error(make_llm):
    received = []
    with pytest.raises(openai.APIError) as info:
        for chunk in make_llm(sim={"text": HELLO, "fault": "drop_after:3"}).stream("hi"):
            received.append(chunk.content)
    assert isinstance(info.value, openai.APIConnectionError)
    assert received == ["", "Hello", " brave"]  # role chunk + 2 tokens, then the cut


async def test_drop_after_when_astreaming_then_partial_chunks_then_api_error(make_llm):
    received = []
    with pytest.raises(openai.APIError):
        async for chunk in make_llm(sim={"text": HELLO, "fault": "drop_after:3"}).astream("hi"):
            received.append(chunk.content)
    assert received == ["", "Hello", " brave"]


def test_bound_tool_when_streamed_then_args_arrive_as_partial_json(make_llm):
    llm = make_llm().bind_tools([get_weather])
    chunks = list(llm.stream("What is the weather in Paris for 3 days?"))
    pieces = [tc["args"] for c in chunks for tc in c.tool_call_chunks]
    assert chunks[0].tool_call_chunks[0]["name"] == "get_weather"
    assert pieces == ["", '{"cit', 'y": "', "Paris", '", "d', 'ays":', " 3}"]
    full = reduce(operator.add, chunks)
    assert full.content == ""
    assert [(c["name"], c["args"]) for c in full.tool_calls] == [
        ("get_weather", {"city": "Paris", "days": 3})
    ]
    assert full.tool_calls[0]["id"].startswith("call_")
    assert full.response_metadata["finish_reason"] == "tool_calls"


def test_bound_tool_when_invoked_then_tool_calls_are_parsed(make_llm):
    reply = make_llm().bind_tools([get_weather]).invoke("Weather in San Francisco over 5 days?")
    assert [(c["name"], c["args"]) for c in reply.tool_calls] == [
        ("get_weather", {"city": "San Francisco", "days": 5})
    ]


def test_bound_tool_when_prompt_is_unrelated_then_answers_in_text(make_llm):
    reply = make_llm().bind_tools([get_weather]).invoke("Explain RAG")
    assert reply.tool_calls == []
    assert "Retrieval-Augmented Generation" in reply.content


def test_tool_result_in_history_then_model_answers_from_it(make_llm):
    llm = make_llm().bind_tools([get_weather])
    question = HumanMessage("What is the weather in Paris for 3 days?")
    call = llm.invoke([question])
    result = get_weather.invoke(call.tool_calls[0])
    assert isinstance(result, ToolMessage)
    answer = llm.invoke([question, call, result])
    assert answer.tool_calls == []
    assert "Sunny in Paris for 3 days" in answer.content


def test_unicode_tool_arguments_stream_as_characters(make_llm):
    chunks = list(make_llm().bind_tools([get_weather]).stream("Weather in '東京' for 2 days?"))
    pieces = "".join(tc["args"] for c in chunks for tc in c.tool_call_chunks)
    assert "東京" in pieces  # not \\u escapes
    assert reduce(operator.add, chunks).tool_calls[0]["args"] == {"city": "東京", "days": 2}


class Person(BaseModel):
    name: str
    age: int


def test_structured_output_json_schema_fills_fields_from_the_prompt(make_llm):
    person = make_llm().with_structured_output(Person).invoke("Describe Ada Lovelace at age 36")
    assert person == Person(name="Ada Lovelace", age=36)


def test_json_mode_uses_the_keys_the_prompt_asks_for(make_llm):
    llm = make_llm().with_structured_output(method="json_mode")
    result = llm.invoke("Tell a joke about cats as JSON with 'setup' and 'punchline' keys.")
    assert set(result) == {"setup", "punchline"}
    assert all("cats" in value for value in result.values())
