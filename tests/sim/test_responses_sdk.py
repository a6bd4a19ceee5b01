"""The official openai SDK against POST /v1/responses: create, stream=True, the stream() helper, async.

Every request the SDK sends is checked against OpenAI's `CreateResponse`, every answer against
`Response`, every event against its event schema: what passes here is what OpenAI would send.
"""

from __future__ import annotations

import itertools
import json

import httpx
import openai
import pytest

from tests.support import loopback
from tests.support.openapi import assert_valid
from tests.support.responses import FAST, WEATHER_TOOLS, assert_valid_events

SIM = {"sim": FAST}


@pytest.fixture
def sent() -> list[dict]:
    """Every JSON body the SDK sent, as it left the client."""
    return []


@pytest.fixture
def client(sim_base_url, sent):
    def record(request: httpx.Request) -> None:
        sent.append(json.loads(request.content))

    http = loopback.Client(event_hooks={"request": [record]}, timeout=30)
    return openai.OpenAI(base_url=sim_base_url, api_key="sk-test", max_retries=0, http_client=http)


@pytest.fixture
def aclient(sim_base_url, sent):
    async def record(request: httpx.Request) -> None:
        sent.append(json.loads(request.content))

    http = httpx.AsyncClient(event_hooks={"request": [record]}, timeout=30)
    return openai.AsyncOpenAI(base_url=sim_base_url, api_key="sk-test", max_retries=0, http_client=http)


def assert_requests_valid(sent: list[dict]) -> None:
    assert sent
    for body in sent:
        assert_valid("CreateResponse", {k: v for k, v in body.items() if k != "sim"})


def test_create_when_not_streamed_then_response_with_output_text_and_usage(client, sent):
    reply = client.responses.create(model="gpt-4o-mini", input="Explain RAG", extra_body=SIM)
    assert_requests_valid(sent)
    assert_valid("Response", reply.model_dump(mode="json", exclude_unset=True))
    assert reply.status == "completed" and reply.id.startswith("resp_")
    assert "Retrieval-Augmented Generation" in reply.output_text
    assert reply.usage.output_tokens > 10
    assert reply.usage.total_tokens == reply.usage.input_tokens + reply.usage.output_tokens


def test_raw_response_when_answered_then_openais_request_id_and_rate_limit_headers(client):
    raw = client.responses.with_raw_response.create(model="sim-fast", input="Hi", extra_body=SIM)
    assert raw.headers["x-request-id"].startswith("req_")
    assert int(raw.headers["openai-processing-ms"]) >= 0
    assert int(raw.headers["x-ratelimit-remaining-requests"]) >= 0
    assert raw.parse()._request_id == raw.headers["x-request-id"]


def test_create_when_streamed_then_sdk_yields_typed_events_ending_completed(client, sent):
    stream = client.responses.create(model="sim-fast", input="Explain RAG", stream=True, extra_body=SIM)
    events = list(stream)
    assert_requests_valid(sent)
    assert_valid_events([e.model_dump(mode="json", exclude_unset=True) for e in events])
    assert events[0].type == "response.created" and events[-1].type == "response.completed"
    text = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert text == events[-1].response.output_text


def test_stream_helper_when_text_then_snapshots_grow_and_final_response_matches(client, sent):
    with client.responses.stream(model="sim-fast", input="Explain RAG", extra_body=SIM) as stream:
        snapshots = [e.snapshot for e in stream if e.type == "response.output_text.delta"]
        final = stream.get_final_response()
    assert_requests_valid(sent)
    assert all(b.startswith(a) for a, b in itertools.pairwise(snapshots))
    assert snapshots[-1] == final.output_text


def test_stream_helper_when_two_tools_needed_then_two_function_calls_with_arguments(client, sent):
    with client.responses.stream(
        model="sim-fast", input="Weather and local time in Paris?", tools=WEATHER_TOOLS, extra_body=SIM
    ) as stream:
        arguments = [e.snapshot for e in stream if e.type == "response.function_call_arguments.delta"]
        final = stream.get_final_response()
    assert_requests_valid(sent)
    calls = [(o.name, json.loads(o.arguments)) for o in final.output if o.type == "function_call"]
    assert calls == [("get_weather", {"city": "Paris"}), ("get_local_time", {"city": "Paris"})]
    assert arguments[-1] == final.output[-1].arguments


def test_stream_helper_when_reasoning_model_then_summary_events_before_text(client, sent):
    with client.responses.stream(
        model="o4-mini",
        input="Explain RAG",
        reasoning={"effort": "low", "summary": "auto"},
        extra_body=SIM,
    ) as stream:
        kinds = [e.type for e in stream]
        final = stream.get_final_response()
    assert_requests_valid(sent)
    assert kinds.index("response.reasoning_summary_text.delta") < kinds.index(
        "response.output_text.delta"
    )
    assert [o.type for o in final.output] == ["reasoning", "message"]
    assert final.output[0].summary[0].text.startswith("**")
    assert final.usage.output_tokens_details.reasoning_tokens > 0


def test_parse_when_text_format_is_a_model_then_parsed_output(client, sent):
    from pydantic import BaseModel

    class Place(BaseModel):
        city: str
        country: str

    reply = client.responses.parse(
        model="sim-fast", input="A trip to Paris in France.", text_format=Place, extra_body=SIM
    )
    assert_requests_valid(sent)
    assert isinstance(reply.output_parsed, Place)
    assert (reply.output_parsed.city, reply.output_parsed.country) == ("Paris", "France")


async def test_async_client_when_streamed_then_same_text_as_sync(client, aclient, sent):
    body = {"sim": {**FAST, "seed": 5}}
    stream = await aclient.responses.create(
        model="sim-fast", input="Explain RAG", stream=True, extra_body=body
    )
    deltas = [e.delta async for e in stream if e.type == "response.output_text.delta"]
    whole = client.responses.create(model="sim-fast", input="Explain RAG", extra_body=body)
    assert_requests_valid(sent)
    assert "".join(deltas) == whole.output_text


async def test_async_stream_helper_when_used_then_final_response_completed(aclient, sent):
    async with aclient.responses.stream(
        model="sim-fast", input="Explain LCEL", extra_body=SIM
    ) as stream:
        kinds = [e.type async for e in stream]
        final = await stream.get_final_response()
    assert_requests_valid(sent)
    assert kinds[-1] == "response.completed" and final.status == "completed"
    assert "LCEL" in final.output_text
