"""Provider choice → `ChatOpenAI`, connection checks, and the API key that must never leak."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import openai
import pytest
from langchain_core.load import dumpd
from pydantic import SecretStr

from streamlab.client.providers import (
    EMBEDDED_KEY,
    OPENAI_URL,
    ProviderConfig,
    build_chat_model,
    check_connection,
    embedded_config,
    loop_safe_async_client,
    mask_key,
)
from streamlab.sim.options import LatencyProfile
from streamlab.sim.server import BAD_KEY_PREFIX

SECRET = "sk-proj-THIS-IS-A-SECRET-1234"


def test_embedded_config_when_url_lacks_v1_then_adds_it(sim_server):
    assert embedded_config(sim_server.base_url).base_url == sim_server.base_url + "/v1"
    assert embedded_config(sim_server.base_url + "/v1/").base_url == sim_server.base_url + "/v1"


def test_embedded_model_sends_profile_and_sim_controls_as_extra_body(sim_base_url):
    profile = LatencyProfile(ttft_ms=5, tokens_per_s=0, jitter_ms=1, seed=3)
    llm = build_chat_model(embedded_config(sim_base_url, profile=profile), sim={"text": "Exactly this."})
    assert llm.extra_body == {
        "sim": {"ttft_ms": 5, "tokens_per_s": 0, "jitter_ms": 1, "seed": 3, "text": "Exactly this."}
    }
    assert llm.invoke("anything").content == "Exactly this."  # the server honoured it


def test_embedded_model_without_profile_or_sim_sends_no_extra_body(sim_base_url):
    assert build_chat_model(embedded_config(sim_base_url)).extra_body is None


@pytest.mark.parametrize("kind, base_url", [("openai", ""), ("compatible", "http://localhost:11434/v1")])
def test_real_providers_never_get_the_sim_field(kind, base_url):
    config = ProviderConfig(kind, base_url, "gpt-4o-mini", SecretStr(SECRET))
    llm = build_chat_model(config, sim={"fault": "429"})
    assert llm.extra_body is None  # real endpoints reject unknown body fields


@pytest.mark.parametrize(
    "config, base_url, retries",
    [
        (
            ProviderConfig("embedded", "http://127.0.0.1:1/v1", "sim-fast", SecretStr(EMBEDDED_KEY)),
            "http://127.0.0.1:1/v1",
            0,
        ),
        (ProviderConfig("openai", "", "gpt-4o-mini", SecretStr(SECRET)), OPENAI_URL, 2),
        (
            ProviderConfig("compatible", "http://localhost:11434/v1", "llama3.2"),
            "http://localhost:11434/v1",
            2,
        ),
    ],
)
def test_every_provider_streams_usage_and_is_loop_safe(config, base_url, retries):
    llm = build_chat_model(config)
    assert llm.stream_usage is True  # off by default for any custom base_url
    assert llm.openai_api_base == base_url
    assert llm.max_retries == retries
    assert llm.http_async_client is not None
    assert llm.model_name == config.model


def test_compatible_provider_without_key_gets_a_placeholder():
    llm = build_chat_model(ProviderConfig("compatible", "http://localhost:11434/v1", "llama3.2"))
    assert llm.openai_api_key.get_secret_value() == "not-needed"


def test_kwargs_pass_through_to_chat_openai(sim_base_url):
    llm = build_chat_model(embedded_config(sim_base_url), streaming=True, model="gpt-4", max_tokens=7)
    assert (llm.streaming, llm.model_name, llm.max_tokens) == (True, "gpt-4", 7)


@pytest.mark.parametrize(
    "key, expected",
    [(None, "(none)"), ("", "(none)"), ("short", "…"), ("sk-1234567", "…"), (SECRET, "sk-…1234")],
)
def test_mask_key(key, expected):
    assert mask_key(key) == expected


def test_api_key_never_appears_in_reprs_or_serialisations():
    config = ProviderConfig("openai", "", "gpt-4o-mini", SecretStr(SECRET))
    llm = build_chat_model(config)
    assert repr(config) == (
        "ProviderConfig(kind='openai', base_url='', model='gpt-4o-mini', api_key='sk-…1234')"
    )
    shown = [
        repr(config),
        str(config),
        repr(llm),
        str(llm),
        llm.model_dump_json(),
        json.dumps(dumpd(llm)),
    ]
    assert all(SECRET not in text for text in shown)
    assert config.key() == SECRET  # still usable where it is needed


def test_repeated_asyncio_run_reuses_the_model_without_event_loop_errors(make_llm):
    # langchain-openai's shared async client breaks on the second asyncio.run() (every
    # Streamlit rerun) with "Event loop is closed"; build_chat_model must not.
    llm = make_llm(sim={"text": "Hello brave new world"})

    async def collect() -> str:
        return "".join([c.content async for c in llm.astream("hi")])

    assert [asyncio.run(collect()) for _ in range(3)] == ["Hello brave new world"] * 3


def test_loop_safe_client_uses_the_configured_timeout():
    assert loop_safe_async_client(7.5).timeout.read == 7.5


def test_check_connection_when_embedded_then_ok_with_model_list(sim_base_url):
    status = check_connection(embedded_config(sim_base_url))
    assert status.ok
    assert {"sim-fast", "sim-detailed", "gpt-4"} <= set(status.models)
    assert status.message == f"Connected to {sim_base_url}: {len(status.models)} models."


def test_check_connection_when_model_not_listed_then_ok_with_a_note(sim_base_url):
    status = check_connection(embedded_config(sim_base_url, model="llama3.2"))
    assert status.ok
    assert status.message.endswith("(model 'llama3.2' not listed).")


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens here once the socket is closed


def test_check_connection_when_nothing_listens_then_cannot_reach(closed_port):
    url = f"http://127.0.0.1:{closed_port}/v1"
    status = check_connection(ProviderConfig("compatible", url, "llama3.2"))
    assert not status.ok
    assert status.message == (
        f"Cannot reach {url}: ConnectError. Is the server running, and is the address right?"
    )


def test_check_connection_when_server_never_answers_then_says_so():
    with socket.socket() as sock:  # listens (the TCP handshake succeeds) but never replies
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
        status = check_connection(ProviderConfig("compatible", url, "m"), timeout_s=0.3)
    assert not status.ok
    assert status.message == f"{url} did not answer within 0.3 s."


@pytest.mark.parametrize("url", ["localhost:11434", "localhost:11434/v1", "ftp://x", "http://", "  "])
def test_check_connection_when_url_malformed_then_explains_the_scheme(url):
    status = check_connection(ProviderConfig("compatible", url, "m"))
    assert not status.ok
    assert status.message.startswith(f"'{url}' is not a valid base URL.")
    assert "http://localhost:11434/v1" in status.message  # shows what a valid one looks like


def test_check_connection_when_key_rejected_then_401_message_with_masked_key(sim_base_url):
    bad = BAD_KEY_PREFIX + "-0123456789"
    config = replace(embedded_config(sim_base_url), api_key=SecretStr(bad))
    status = check_connection(config)
    assert not status.ok
    assert status.message == (
        f"{sim_base_url} rejected the API key (HTTP 401). Check the key (sk-…6789)."
    )
    assert bad not in status.message


def test_check_connection_when_no_key_and_the_server_wants_one_then_says_none_was_sent():
    class NeedsKey(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(401 if "authorization" not in self.headers else 200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), NeedsKey)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/v1"
        status = check_connection(ProviderConfig("compatible", url, "m"))  # no key typed
    finally:
        server.shutdown()
    assert not status.ok
    assert status.message == (
        f"{url} needs an API key (HTTP 401), and none was sent. Type the key in the sidebar."
    )


def test_check_connection_when_url_is_not_an_openai_api_then_reports_status(sim_server):
    status = check_connection(ProviderConfig("compatible", sim_server.base_url, "m"))  # no /v1
    assert not status.ok
    assert status.message == f"{sim_server.base_url}/models answered HTTP 404."


def test_rejected_key_also_fails_chat_requests_with_authentication_error(sim_base_url):
    config = replace(embedded_config(sim_base_url), api_key=SecretStr(BAD_KEY_PREFIX + "-xyz12345"))
    with pytest.raises(openai.AuthenticationError, match="rejected by the simulator"):
        build_chat_model(config).invoke("hi")
