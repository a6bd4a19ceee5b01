"""langchain-tests' standard integration suite, run on the real `ChatOpenAI` against the simulator.

The suite is what LangChain asks of every chat-model integration (streaming, usage, tool
calls, structured output, ...). Passing it proves the simulator speaks enough of the OpenAI
protocol that lessons built on it show genuine `ChatOpenAI` behaviour, not a stub's.
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain_openai import ChatOpenAI
from langchain_tests.integration_tests import ChatModelIntegrationTests

from streamlab.providers import loop_safe_async_client
from streamlab.server import start_embedded


@pytest.fixture(scope="module", autouse=True)
def _server_url():
    running = start_embedded()
    TestChatOpenAIOnSimulator.base_url = running.base_url + "/v1"
    yield
    running.stop()


class TestChatOpenAIOnSimulator(ChatModelIntegrationTests):
    base_url: str = ""  # set by the module fixture once the server listens

    @property
    def chat_model_class(self) -> type[ChatOpenAI]:
        return ChatOpenAI

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "api_key": "sk-standard-tests",
            "model": "sim-fast",
            "stream_usage": True,
            "max_retries": 0,
            "extra_body": {"sim": {"ttft_ms": 0, "tokens_per_s": 0}},
            # pytest-asyncio gives every async test a new loop; see providers._PerLoopTransport.
            "http_async_client": loop_safe_async_client(),
        }

    @property
    def has_tool_calling(self) -> bool:
        return True

    @property
    def has_tool_choice(self) -> bool:
        return True

    @property
    def has_structured_output(self) -> bool:
        return True

    @property
    def supports_json_mode(self) -> bool:
        return True

    @property
    def supports_anthropic_inputs(self) -> bool:
        return True

    @property
    def model_override_value(self) -> str:
        return "sim-detailed"
