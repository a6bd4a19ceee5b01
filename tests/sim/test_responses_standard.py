"""langchain-tests' standard integration suite on `ChatOpenAI(use_responses_api=True)` and the simulator.

The chat-completions run of the suite lives in tests/client; this one sends every request of
the suite to `POST /v1/responses`, so the Responses API passes what LangChain asks of every
chat-model integration (streaming, usage, tool calls, structured output, JSON mode, ...).
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain_openai import ChatOpenAI
from langchain_tests.integration_tests import ChatModelIntegrationTests

from streamlab.client.providers import loop_safe_async_client
from streamlab.sim.server import start_embedded

pytestmark = [
    pytest.mark.filterwarnings("ignore:Pydantic serializer warnings:UserWarning"),
    pytest.mark.filterwarnings("ignore:Received a Pydantic BaseModel V1 schema:UserWarning"),
]


@pytest.fixture(scope="module", autouse=True)
def _embedded_server():
    running = start_embedded()
    TestResponsesApiOnSimulator.sim_url = running.base_url + "/v1"
    yield
    running.stop()


class TestResponsesApiOnSimulator(ChatModelIntegrationTests):
    sim_url: str = ""  # set by the module fixture once the server listens

    @property
    def chat_model_class(self) -> type[ChatOpenAI]:
        return ChatOpenAI

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {
            "base_url": self.sim_url,
            "api_key": "sk-standard-tests",
            "model": "sim-fast",
            "use_responses_api": True,
            "max_retries": 0,
            "extra_body": {"sim": {"ttft_ms": 0, "tokens_per_s": 0}},
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
    def returns_usage_metadata(self) -> bool:
        return True

    @property
    def model_override_value(self) -> str:
        return "sim-detailed"

    @property
    def supports_image_inputs(self) -> bool:
        return False

    @property
    def supports_image_urls(self) -> bool:
        return False

    @property
    def supports_image_tool_message(self) -> bool:
        return False

    @property
    def supports_pdf_inputs(self) -> bool:
        return False

    @property
    def supports_pdf_tool_message(self) -> bool:
        return False

    @property
    def supports_audio_inputs(self) -> bool:
        return False

    @property
    def supports_video_inputs(self) -> bool:
        return False

    @property
    def enable_vcr_tests(self) -> bool:
        return False
