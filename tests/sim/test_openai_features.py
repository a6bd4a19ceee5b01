"""What works on OpenAI works here (issue 13, item 4), driven through the official `openai` SDK
and `ChatOpenAI`: `n` > 1, logprobs, itemised usage, model retrieval, OpenAI's model names,
JSON mode with the prompt's keys and types, and OpenAI's response headers."""

from __future__ import annotations

import re

import openai
import pytest
from langchain_core.messages import HumanMessage

from streamlab.sim.answers import tokenize
from tests.support.simclient import FAST, post_chat

MESSAGES = [{"role": "user", "content": "Explain RAG"}]
DOCS_MODELS = ["gpt-5-nano", "gpt-5-mini", "gpt-5", "gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini"]
DOCS_MODELS += ["gpt-4.1-nano", "o4-mini", "o3", "o3-mini", "gpt-3.5-turbo", "gpt-4o-2024-08-06"]


@pytest.fixture
def client(sim_base_url):
    return openai.OpenAI(base_url=sim_base_url, api_key="sk-test", max_retries=0, timeout=10)


def create(client, **kwargs):
    kwargs.setdefault("model", "sim-fast")
    kwargs.setdefault("messages", MESSAGES)
    return client.chat.completions.create(extra_body={"sim": {**FAST, "seed": 4}}, **kwargs)


def test_n_when_three_then_three_samples_with_the_next_seeds(client):
    reply = create(client, n=3)
    assert [c.index for c in reply.choices] == [0, 1, 2]
    texts = [c.message.content for c in reply.choices]
    alone = [
        client.chat.completions.create(
            model="sim-fast", messages=MESSAGES, extra_body={"sim": {**FAST, "seed": s}}
        )
        for s in (4, 5, 6)
    ]
    assert texts == [a.choices[0].message.content for a in alone]
    assert reply.usage.completion_tokens == sum(len(tokenize(t)) for t in texts)


def test_n_when_streamed_then_each_choice_rebuilds_its_non_streamed_text(client):
    whole = create(client, n=2)
    streamed = ["", ""]
    for chunk in create(client, n=2, stream=True):
        for choice in chunk.choices:
            streamed[choice.index] += choice.delta.content or ""
    assert streamed == [c.message.content for c in whole.choices]


def test_n_when_chat_openai_generates_then_n_generations(make_llm):
    result = make_llm(n=2).generate([[HumanMessage("Explain RAG")]])
    assert len(result.generations[0]) == 2


def test_logprobs_when_asked_then_one_entry_per_token_with_top_alternatives(client):
    reply = create(client, logprobs=True, top_logprobs=3, max_tokens=6)
    entries = reply.choices[0].logprobs.content
    assert "".join(e.token for e in entries) == reply.choices[0].message.content
    for entry in entries:
        assert entry.logprob <= 0 and bytes(entry.bytes).decode() == entry.token
        assert len(entry.top_logprobs) == 3 and entry.top_logprobs[0].token == entry.token
        assert [t.logprob for t in entry.top_logprobs] == sorted(
            (t.logprob for t in entry.top_logprobs), reverse=True
        )


def test_logprobs_when_streamed_then_each_text_chunk_carries_its_token(client):
    tokens = [
        (c.choices[0].delta.content, c.choices[0].logprobs.content[0].token)
        for c in create(client, logprobs=True, max_tokens=5, stream=True)
        if c.choices and c.choices[0].delta.content
    ]
    assert len(tokens) == 5 and all(text == token for text, token in tokens)


def test_logprobs_when_chat_openai_then_in_response_metadata(make_llm):
    reply = make_llm(logprobs=True, max_tokens=4).invoke("Explain RAG")
    assert len(reply.response_metadata["logprobs"]["content"]) == 4


def test_usage_when_answered_then_itemised_like_openais(client, make_llm):
    usage = create(client).usage
    assert usage.prompt_tokens_details.cached_tokens == 0
    assert usage.completion_tokens_details.reasoning_tokens == 0
    metadata = make_llm().invoke("Explain RAG").usage_metadata
    assert metadata["input_token_details"] == {"audio": 0, "cache_read": 0}
    assert metadata["output_token_details"] == {"audio": 0, "reasoning": 0}


@pytest.mark.parametrize("name", DOCS_MODELS)
def test_openai_model_name_when_used_then_answered_listed_and_retrievable(client, name):
    reply = create(client, model=name)
    assert reply.model == name and reply.choices[0].message.content
    assert client.models.retrieve(name).id == name
    if not re.search(r"\d{4}-\d{2}-\d{2}$", name):  # dated snapshots answer but are not listed
        assert name in {m.id for m in client.models.list()}


def test_unknown_model_when_retrieved_then_not_found(client):
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("gpt-99")


@pytest.mark.parametrize(
    "prompt, expected_types",
    [
        (
            "Describe Paris as JSON with 'name' (string), 'population' (integer), 'tags' (list of "
            "strings), 'area' as a number and 'capital' (true or false).",
            {"name": str, "population": int, "tags": list, "area": float, "capital": bool},
        ),
        (
            'Reply in JSON shaped like {"city": "Rome", "temp_c": 21.5, "sunny": true} for Lyon',
            {"city": str, "temp_c": float, "sunny": bool},
        ),
    ],
    ids=["keys and types named", "example object"],
)
def test_json_mode_when_prompt_names_keys_and_types_then_follows_them(make_llm, prompt, expected_types):
    result = make_llm().with_structured_output(method="json_mode").invoke(prompt)
    assert {k: type(v) for k, v in result.items()} == expected_types
    assert result.get("name", result.get("city")) in ("Paris", "Lyon")


def test_headers_when_answered_then_openais_request_id_processing_time_and_rate_limits(client):
    first = client.chat.completions.with_raw_response.create(
        model="sim-fast", messages=MESSAGES, extra_body={"sim": FAST}
    )
    second = client.chat.completions.with_raw_response.create(
        model="sim-fast", messages=MESSAGES, stream=True, extra_body={"sim": FAST}
    )
    for raw in (first, second):
        assert re.fullmatch(r"req_[0-9a-f]{32}", raw.headers["x-request-id"])
        assert int(raw.headers["openai-processing-ms"]) >= 0
        assert raw.headers["x-ratelimit-limit-requests"] == "10000"
        assert re.fullmatch(r"\d+(ms|(\.\d+)?s|m\d+s)", raw.headers["x-ratelimit-reset-requests"])
    assert first.request_id != second.request_id
    remaining = [int(r.headers["x-ratelimit-remaining-requests"]) for r in (first, second)]
    assert remaining[1] < remaining[0] < 10_000


def test_headers_when_refused_then_request_id_too_and_429_has_none_left(sim_base_url):
    refused = post_chat(
        sim_base_url, {"model": "sim-fast", "messages": MESSAGES, "sim": {"fault": "429"}}
    )
    assert refused.status_code == 429 and refused.headers["x-request-id"].startswith("req_")
    assert refused.headers["x-ratelimit-remaining-requests"] == "0"
