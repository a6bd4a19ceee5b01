"""A key typed in the sidebar goes only to the base URL typed next to it (issue 17, item 1).

A shared link or an imported file can name any URL; a real listener on loopback records the
Authorization header each request brought, so the tests see exactly what left the machine.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from streamlab.client.providers import OPENAI_URL
from streamlab.lab.endpoints import Endpoints, key_notices, provider_config
from streamlab.lab.experiments import ExperimentConfig, Variant
from streamlab.lab.runner import run_experiment
from tests.support.listener import Listener

SECRET = "sk-typed-in-the-sidebar-0123456789"
OTHER = "sk-openai-in-the-sidebar-9876543210"


@pytest.fixture
def listener() -> Iterator[Listener]:
    running = Listener()
    yield running
    running.close()


def run_against(url: str, endpoints: Endpoints) -> None:
    variant = Variant("from a link", provider="compatible", base_url=url, model="m")
    config = ExperimentConfig(variants=(variant,), trials=1, concurrency=1, warmup=0)
    [trial] = run_experiment(config, endpoints).trials
    assert trial.status == "failed"  # the listener says 401: the request did leave


def test_a_url_other_than_the_sidebars_gets_no_key(listener):
    endpoints = Endpoints(compatible_key=SecretStr(SECRET), compatible_url="http://localhost:11434/v1")
    run_against(listener.url, endpoints)
    assert listener.seen and all(SECRET not in header for header in listener.seen), listener.seen


@pytest.mark.parametrize(
    "typed",
    ["{url}", "{url}/", "HTTP://{host}/v1", "http://{host}/v1/"],
)
def test_the_url_typed_next_to_the_key_gets_the_key(listener, typed):
    url = typed.format(url=listener.url, host=listener.host)
    run_against(listener.url, Endpoints(compatible_key=SecretStr(SECRET), compatible_url=url))
    assert listener.seen and set(listener.seen) == {f"Bearer {SECRET}"}


@pytest.mark.parametrize(
    "typed",
    [
        "http://{host}/v2",  # another path on the same server
        "https://{host}/v1",  # another scheme
        "http://localhost:{port}/v1",  # another host name for the same socket
        "http://user@{host}/v1",  # credentials in the URL make it another URL
        "http://{host}/v1?x=1",
        "",  # nothing typed
    ],
)
def test_a_url_that_differs_in_any_part_gets_no_key(listener, typed):
    port = listener.host.rsplit(":", 1)[1]
    url = typed.format(host=listener.host, port=port)
    run_against(listener.url, Endpoints(compatible_key=SecretStr(SECRET), compatible_url=url))
    assert listener.seen and all(SECRET not in header for header in listener.seen), listener.seen


def test_the_openai_key_never_goes_to_a_custom_url(listener, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", OTHER)  # nor the one from the environment
    run_against(listener.url, Endpoints(openai_key=SecretStr(OTHER)))
    assert listener.seen and all(OTHER not in header for header in listener.seen), listener.seen


def test_an_openai_configuration_always_goes_to_api_openai_com(listener):
    # An imported file may carry a base_url on an OpenAI configuration: it is never used.
    variant = Variant("gpt", provider="openai", model="gpt-4o-mini", base_url=listener.url)
    config = provider_config(variant, Endpoints(openai_key=SecretStr(OTHER)))
    assert config.base_url == OPENAI_URL == "https://api.openai.com/v1"
    assert config.key() == OTHER


def test_the_notice_names_each_configuration_run_without_the_key_and_its_host(listener):
    config = ExperimentConfig(
        variants=(
            Variant("sim"),
            Variant("mine", provider="compatible", base_url="http://localhost:11434/v1", model="m"),
            Variant("theirs", provider="compatible", base_url=listener.url + "/chat", model="m"),
        )
    )
    endpoints = Endpoints(compatible_key=SecretStr(SECRET), compatible_url="http://localhost:11434/v1/")
    assert key_notices(config, endpoints) == [
        f"Configuration 'theirs' runs without your API key: its URL points at {listener.host}, "
        "and the key you typed goes only to the base URL next to it (localhost:11434)."
    ]
    assert key_notices(config, Endpoints(compatible_url="http://localhost:11434/v1")) == []
