"""langchain-tests' standard integration suite, run on the real `ChatOpenAI` against the simulator.

The suite is what LangChain asks of every chat-model integration (streaming, usage, tool
calls, structured output, JSON mode, ...). Passing it proves the simulator speaks enough of
the OpenAI protocol that lessons show genuine `ChatOpenAI` behaviour, not a stub's.
Capabilities are declared off only where a text simulator has nothing honest to offer.
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain_openai import ChatOpenAI
from langchain_tests.integration_tests import ChatModelIntegrationTests

from streamlab.client.providers import loop_safe_async_client
from streamlab.sim.server import start_embedded

pytestmark = [
    # Library noise, not simulator behaviour: the SDK's parsed-message model warns when
    # langchain-openai dumps it, and the suite deliberately passes a pydantic.v1 schema.
    pytest.mark.filterwarnings("ignore:Pydantic serializer warnings:UserWarning"),
    pytest.mark.filterwarnings("ignore:Received a Pydantic BaseModel V1 schema:UserWarning"),
]


@pytest.fixture(scope="module", autouse=True)
def _embedded_server():
    running = start_embedded()
    TestChatOpenAIOnSimulator.sim_url = running.base_url + "/v1"
    yield
    running.stop()


class TestChatOpenAIOnSimulator(ChatModelIntegrationTests):
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
            "stream_usage": True,
            "max_retries": 0,
            "extra_body": {"sim": {"ttft_ms": 0, "tokens_per_s": 0}},
            # pytest-asyncio gives every async test a new loop; see providers._PerLoopTransport.
            "http_async_client": loop_safe_async_client(),
        }

    # --- on: the simulator implements these (see streamlab/sim/protocol.py) ---
    @property
    def has_tool_calling(self) -> bool:
        return True

    @property
    def has_tool_choice(self) -> bool:
        return True

    @property
    def has_structured_output(self) -> bool:
        return True  # response_format json_schema and function calling

    @property
    def supports_json_mode(self) -> bool:
        return True  # response_format json_object: keys taken from the prompt

    @property
    def supports_anthropic_inputs(self) -> bool:
        return True  # text blocks are read; tool_use/tool_result arrive as OpenAI messages

    @property
    def returns_usage_metadata(self) -> bool:
        return True

    @property
    def model_override_value(self) -> str:
        return "sim-detailed"

    # --- off: a text simulator cannot look at media, so passing would prove nothing ---
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
        # Cassettes replay recorded HTTP; the simulator already is a local, seeded replay,
        # and its random port would never match a recorded URI.
        return False
