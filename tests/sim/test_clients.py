"""Clients nobody here wrote, against the simulator: the `openai` SDK's other entry points and
Simon Willison's `llm` (Python API and CLI), configured the way its docs configure an
OpenAI-compatible server. Whatever they do here, they would do against OpenAI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import llm
import openai
import pytest
from pydantic import BaseModel

from tests.support.simclient import FAST

MESSAGES = [{"role": "user", "content": "Explain RAG"}]


class Person(BaseModel):
    name: str
    age: int


@pytest.fixture
def client(sim_base_url):
    return openai.OpenAI(base_url=sim_base_url, api_key="sk-test", max_retries=0, timeout=10)


async def test_async_sdk_when_streamed_then_same_text_as_sync(sim_base_url, client):
    aclient = openai.AsyncOpenAI(base_url=sim_base_url, api_key="sk-test", max_retries=0)
    body = {"sim": {**FAST, "seed": 3}}
    stream = await aclient.chat.completions.create(
        model="gpt-4o-mini", messages=MESSAGES, stream=True, extra_body=body
    )
    text = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
    whole = client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, extra_body=body)
    assert text == whole.choices[0].message.content
    await aclient.close()


def test_parse_when_given_a_pydantic_model_then_parsed_instance(client):
    reply = client.chat.completions.parse(
        model="gpt-4.1-mini",
        messages=[{"role": "user", "content": "Describe Ada Lovelace at age 36"}],
        response_format=Person,
        extra_body={"sim": FAST},
    )
    assert reply.choices[0].message.parsed == Person(name="Ada Lovelace", age=36)


def test_stream_helper_when_given_a_pydantic_model_then_content_done_is_parsed(client):
    with client.chat.completions.stream(
        model="gpt-4.1-mini",
        messages=[{"role": "user", "content": "Describe Ada Lovelace at age 36"}],
        response_format=Person,
        extra_body={"sim": FAST},
    ) as stream:
        done = [e for e in stream if e.type == "content.done"]
    assert [e.parsed for e in done] == [Person(name="Ada Lovelace", age=36)]


# --- llm (https://llm.datasette.io), pinned in requirements-dev.txt --------------------------------


@pytest.fixture
def llm_home(sim_base_url, tmp_path, monkeypatch) -> Path:
    """An `llm` user directory whose extra-openai-models.yaml points `sim-fast` at the simulator."""
    (tmp_path / "extra-openai-models.yaml").write_text(
        "- model_id: sim\n"
        "  model_name: sim-fast\n"
        f"  api_base: {sim_base_url}\n"
        "  supports_tools: true\n"
        "  supports_schema: true\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("LLM_USER_PATH", str(tmp_path))
    return tmp_path


def test_llm_when_prompted_then_text_and_usage(llm_home):
    model = llm.get_model("sim")
    response = model.prompt("Explain RAG", key="sk-test")
    chunks = list(response)
    assert len(chunks) > 10 and "Retrieval-Augmented Generation" in "".join(chunks)
    usage = response.usage()
    assert usage.input == 3 and usage.output == len([c for c in chunks if c])


def get_weather(city: str) -> str:
    """Weather for a city."""
    return f"Sunny in {city} for the next 3 days"


def test_llm_when_a_tool_is_needed_then_calls_it_and_answers_from_it(llm_home):
    model = llm.get_model("sim")
    chain = model.chain("What is the weather in Paris?", tools=[get_weather], key="sk-test")
    assert chain.text() == "I checked get_weather. Sunny in Paris for the next 3 days."
    calls = [call for response in chain.responses() for call in response.tool_calls()]
    assert [(c.name, c.arguments) for c in calls] == [("get_weather", {"city": "Paris"})]


def test_llm_when_given_a_schema_then_json_that_fits(llm_home):
    response = llm.get_model("sim").prompt(
        "Describe Ada Lovelace at age 36", schema=Person, key="sk-test"
    )
    assert Person.model_validate(json.loads(response.text())) == Person(name="Ada Lovelace", age=36)


def test_llm_cli_when_run_then_prints_the_answer(llm_home):
    env = {**os.environ, "LLM_USER_PATH": str(llm_home)}
    cli = [sys.executable, "-m", "llm", "-m", "sim", "--key", "sk-test", "--no-log", "Explain RAG"]
    done = subprocess.run(cli, capture_output=True, text=True, env=env, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "Retrieval-Augmented Generation" in done.stdout
