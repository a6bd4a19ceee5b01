"""Every failure a learner can cause gets a sentence saying what happened and what to do."""

from __future__ import annotations

import openai
import pytest

from streamlab.client.errors import BROKEN_STREAM, explain_error


def failure(llm, prompt: str = "Explain RAG") -> BaseException:
    with pytest.raises(Exception) as info:
        list(llm.stream(prompt))
    return info.value


@pytest.mark.parametrize("max_tokens", [0, -5])
def test_max_tokens_zero_or_negative_is_explained_with_the_servers_reason(make_llm, max_tokens):
    message = explain_error(failure(make_llm(max_tokens=max_tokens)))
    assert message.startswith("The provider refused the request (HTTP 400)")
    # langchain-openai sends max_tokens as max_completion_tokens; the server names what it got.
    assert f"'max_completion_tokens' must be at least 1, got {max_tokens}" in message


@pytest.mark.parametrize(
    "sim, expected",
    [
        ({"fault": "401"}, "rejected the API key (HTTP 401)"),
        ({"fault": "429"}, "Rate limit reached (HTTP 429). The server asks to retry after 1 s."),
        ({"fault": "500"}, "internal error (HTTP 500)"),
    ],
)
def test_http_faults(make_llm, sim, expected):
    assert expected in explain_error(failure(make_llm(sim=sim)))


def test_unknown_model_is_a_404_in_plain_words(make_llm):
    assert "does not know this model (HTTP 404)" in explain_error(failure(make_llm(model="gpt-99")))


def test_timeout(make_llm):
    llm = make_llm(sim={"fault": "timeout"}, timeout=0.5)
    assert "did not answer in time" in explain_error(failure(llm))


def test_a_drop_after_text_arrived_is_a_broken_stream_not_a_connection_failure(make_llm):
    exc = failure(make_llm(sim={"fault": "drop_after:4"}))
    assert isinstance(exc, openai.APIConnectionError)
    assert explain_error(exc, partial=True) == BROKEN_STREAM
    assert "Cannot connect" in explain_error(exc, partial=False)


def test_unexpected_errors_name_their_type():
    assert explain_error(ValueError("bad")) == "The run failed: ValueError: bad"
