"""POST /v1/responses refuses what OpenAI refuses: 400 with OpenAI's wording and `param` (never 422)."""

from __future__ import annotations

import httpx
import openai
import pytest

from tests.support import loopback
from tests.support.openapi import assert_valid
from tests.support.responses import FAST, KEY, WEATHER_TOOLS

OK = {"model": "sim-fast", "input": "Explain RAG", "sim": FAST}
CALL = {"type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": "{}"}
RESULT = {"type": "function_call_output", "call_id": "call_1", "output": "sunny"}
USER = {"role": "user", "content": "Weather in Paris?"}


def post(base_url: str, body: object) -> httpx.Response:
    return loopback.post(base_url + "/responses", json=body, headers=KEY, timeout=10)


@pytest.mark.parametrize(
    "change, param, code",
    [
        ({"max_token": 5}, "max_token", "unknown_parameter"),
        ({"model": 5}, "model", "invalid_type"),
        ({"input": 3}, "input", "invalid_type"),
        ({"temperature": "hot"}, "temperature", "invalid_type"),
        ({"temperature": 3}, "temperature", "invalid_value"),
        ({"top_p": -0.1}, "top_p", "invalid_value"),
        ({"max_output_tokens": 8}, "max_output_tokens", "integer_below_min_value"),
        ({"stream_options": {"include_obfuscation": False}}, "stream_options", "invalid_value"),
        ({"reasoning": {"effort": "low"}}, "reasoning.effort", "unsupported_parameter"),
        ({"reasoning": {"summary": "auto"}}, "reasoning.summary", "unsupported_parameter"),
        ({"tool_choice": "required"}, "tool_choice", "invalid_value"),
        (
            {"tools": WEATHER_TOOLS, "tool_choice": {"type": "function", "name": "nope"}},
            "tool_choice",
            None,
        ),
        ({"tools": [{"type": "web_search"}]}, "tools[0].type", "invalid_value"),
        ({"tools": [{"type": "function"}]}, "tools[0].name", "missing_required_parameter"),
        ({"tools": [{**WEATHER_TOOLS[0], "parameters": {"type": 5}}]}, "tools[0].parameters", None),
        ({"text": {"format": {"type": "json_schema", "schema": {}}}}, "text.format.name", None),
        ({"text": {"format": {"type": "json_object"}}}, "input", "invalid_value"),
        ({"text": {"format": {"type": "yaml"}}}, "text.format.type", "invalid_value"),
        ({"input": [{"role": "robot", "content": "hi"}]}, "input[0].role", "invalid_value"),
        ({"input": [USER, RESULT]}, "input", "invalid_value"),
        ({"input": [USER, CALL]}, "input", "invalid_value"),
        ({"input": [USER, {"type": "item_reference", "id": "msg_1"}]}, "input[1].type", None),
        ({"input": []}, "input", "invalid_value"),
        ({"previous_response_id": "resp_1"}, "previous_response_id", None),
        ({"background": True}, "background", "unsupported_parameter"),
        ({"sim": {"think_ms": 99_999}}, "sim.think_ms", "invalid_value"),
        ({"sim": {"fault": "sometimes"}}, "sim.fault", "invalid_value"),
    ],
)
def test_bad_request_when_posted_then_400_naming_the_param(sim_base_url, change, param, code):
    response = post(sim_base_url, {**OK, **change})
    assert response.status_code == 400, response.text
    error = response.json()
    assert_valid("ErrorResponse", error)
    assert error["error"]["param"] == param
    assert error["error"]["type"] == "invalid_request_error"
    if code is not None:
        assert error["error"]["code"] == code


def test_missing_model_when_posted_then_names_it_as_missing(sim_base_url):
    error = post(sim_base_url, {"input": "hi"}).json()["error"]
    assert (error["param"], error["code"]) == ("model", "missing_required_parameter")
    assert error["message"] == "Missing required parameter: 'model'."


def test_unknown_parameter_when_posted_then_openai_wording(sim_base_url):
    error = post(sim_base_url, {**OK, "max_token": 5}).json()["error"]
    assert error["message"] == "Unknown parameter: 'max_token'."


@pytest.mark.parametrize(
    "change, param",
    [
        ({"model": "o4-mini", "temperature": 0.2}, "temperature"),
        ({"model": "o4-mini", "reasoning": {"effort": "minimal"}}, "reasoning.effort"),
    ],
)
def test_reasoning_model_when_given_what_it_does_not_take_then_400(sim_base_url, change, param):
    response = post(sim_base_url, {**OK, **change})
    assert response.status_code == 400
    assert response.json()["error"]["param"] == param


def test_unknown_model_when_posted_then_404_model_not_found(sim_base_url):
    response = post(sim_base_url, {**OK, "model": "gpt-nope"})
    assert response.status_code == 404
    assert_valid("ErrorResponse", response.json())
    assert response.json()["error"]["code"] == "model_not_found"


@pytest.mark.parametrize("raw", [b"{", b"[1, 2]", b'{"model": NaN}'])
def test_body_when_not_a_json_object_then_400_invalid_json(sim_base_url, raw):
    headers = {**KEY, "content-type": "application/json"}
    response = loopback.post(sim_base_url + "/responses", content=raw, headers=headers)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"


def test_bad_key_when_posted_then_401_that_the_sdk_raises(sim_base_url):
    client = openai.OpenAI(base_url=sim_base_url, api_key="sk-bad-key", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as caught:
        client.responses.create(model="sim-fast", input="hi")
    assert_valid("ErrorResponse", caught.value.response.json())


def test_no_key_when_posted_then_401_as_on_openai(sim_base_url):
    response = loopback.post(sim_base_url + "/responses", json=OK)
    assert response.status_code == 401
    assert_valid("ErrorResponse", response.json())
    assert "didn't provide an API key" in response.json()["error"]["message"]


def test_bad_request_when_sent_by_the_sdk_then_bad_request_error_with_param(sim_base_url):
    client = openai.OpenAI(base_url=sim_base_url, api_key="sk-test", max_retries=0)
    with pytest.raises(openai.BadRequestError) as caught:
        client.responses.create(model="sim-fast", input="hi", max_output_tokens=1)
    assert caught.value.param == "max_output_tokens"


def test_reasoning_item_in_input_when_sent_back_then_accepted(sim_base_url):
    thought = {"type": "reasoning", "id": "rs_1", "summary": [{"type": "summary_text", "text": "Hm."}]}
    response = post(sim_base_url, {**OK, "model": "sim-reasoning", "input": [USER, thought, USER]})
    assert response.status_code == 200
    assert_valid("Response", response.json())
