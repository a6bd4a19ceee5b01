"""The warm-up the app does when it starts its simulator: one short streamed answer through each
API, so the first run a learner times is not a cold start."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from streamlab.client.providers import ProviderConfig, embedded_config
from streamlab.client.warm import warm_up
from tests.support import loopback


def test_warm_up_streams_once_through_chat_completions_and_once_through_responses(sim_server):
    stats = lambda: loopback.get(sim_server.base_url + "/v1/sim/stats", timeout=10).json()  # noqa: E731
    before = stats()
    warm_up(embedded_config(sim_server.base_url))
    after = stats()
    assert after["requests"] - before["requests"] == 2
    assert after["streams_completed"] - before["streams_completed"] == 2


def test_warm_up_refuses_a_real_provider_whose_calls_cost_tokens():
    config = ProviderConfig("openai", "", "gpt-4o-mini", SecretStr("sk-test"))
    with pytest.raises(ValueError, match="embedded simulator"):
        warm_up(config)
