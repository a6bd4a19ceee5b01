"""One SimOptions vocabulary: the server's request model, the client and the URL presets agree."""

from __future__ import annotations

import math
from dataclasses import fields

import pytest

from streamlab.client.presets import PROFILE_LIMITS, parse_profile_params
from streamlab.client.providers import build_chat_model, embedded_config
from streamlab.lab.experiments import Variant
from streamlab.sim.options import (
    COUNTED_FAULTS,
    FAULT_KINDS,
    LIMITS,
    LOCAL_FAULTS,
    Fault,
    LatencyProfile,
    SimOptions,
    fault_problem,
)
from streamlab.sim.request import ChatRequest
from tests.support import loopback
from tests.support.simclient import AUTH

MESSAGES = [{"role": "user", "content": "Explain RAG"}]


def server_sim_schema() -> dict:
    """The `sim` object as the server's request model publishes it (pydantic JSON schema)."""
    schema = ChatRequest.model_json_schema()
    ref = schema["properties"]["sim"]["$ref"].rsplit("/", 1)[-1]
    return schema["$defs"][ref]


def numeric_branch(prop: dict) -> dict:
    return next(s for s in prop["anyOf"] if s["type"] != "null")


def test_every_limited_setting_is_a_server_field_with_the_same_type_and_range():
    properties = server_sim_schema()["properties"]
    for name, limit in LIMITS.items():
        if name in COUNTED_FAULTS:  # the N of the fault form, checked below
            continue
        branch = numeric_branch(properties[name])
        assert branch["type"] == ("integer" if limit.whole else "number"), name
        assert (branch["minimum"], branch["maximum"]) == (limit.low, limit.high), name
        assert math.isfinite(limit.high), name


def test_every_limit_is_finite_and_every_server_number_is_bounded():
    assert all(math.isfinite(limit.low) and math.isfinite(limit.high) for limit in LIMITS.values())
    for name, prop in server_sim_schema()["properties"].items():
        branch = numeric_branch(prop)
        if branch["type"] in ("number", "integer"):
            assert "minimum" in branch and "maximum" in branch, name


def test_server_model_forbids_unknown_sim_fields_and_documents_each_one():
    schema = server_sim_schema()
    assert schema["additionalProperties"] is False
    assert all(prop.get("description") for prop in schema["properties"].values())


def test_latency_profile_fields_are_server_fields():
    properties = server_sim_schema()["properties"]
    assert set(LatencyProfile().to_sim()) <= set(properties)
    assert {f.name for f in fields(LatencyProfile)} - set(properties) == {"max_tokens"}


def test_client_sim_body_validates_against_the_server_model(sim_base_url):
    config = embedded_config(sim_base_url, profile=LatencyProfile(ttft_ms=5, tokens_per_s=1000, seed=3))
    llm = build_chat_model(config, sim={"fault": "drop_after:2", "text": "hi", "trace_id": "t-1"})
    assert SimOptions.model_validate(llm.extra_body["sim"]).ttft_ms == 5


def test_url_presets_use_the_vocabulary_limits():
    properties = server_sim_schema()["properties"]
    for attr, limit in PROFILE_LIMITS.values():
        assert attr in properties and limit is LIMITS[attr]


def test_local_faults_are_faults():
    assert set(LOCAL_FAULTS) < set(FAULT_KINDS) and "timeout" not in LOCAL_FAULTS


@pytest.mark.parametrize(
    "fault, allowed",
    [
        ("", True),
        ("500", True),
        ("drop_after:10000", True),
        ("drop_after:10001", False),
        ("timeout", False),
    ],
)
def test_lab_configuration_faults_are_the_vocabulary_without_timeout(fault, allowed):
    assert (not Variant("v", fault=fault).problems()) is allowed


@pytest.mark.parametrize(
    "value, expected",
    [
        ("401", Fault("401")),
        ("timeout", Fault("timeout")),
        ("drop_after:0", Fault("drop_after", 0)),
        ("drop_after:10000", Fault("drop_after", 10_000)),
        ("error_after:0", Fault("error_after", 0)),
        ("error_after:7", Fault("error_after", 7)),
    ],
)
def test_fault_parse_when_valid_then_round_trips(value, expected):
    assert Fault.parse(value) == expected and str(expected) == value


@pytest.mark.parametrize(
    "value",
    [
        "explode",
        "drop_after",
        "drop_after:",
        "drop_after:-1",
        "drop_after:10001",
        "error_after",
        "error_after:x",
    ],
)
def test_fault_parse_when_unknown_then_says_what_is_allowed(value):
    with pytest.raises(
        ValueError, match=r"must be empty, 401, 429, 500, timeout, drop_after:N \(.*\) or error_after:N"
    ):
        Fault.parse(value)
    assert fault_problem(value) is not None


# (setting, value, allowed?) — the same verdict from the URL presets, the profile, the lab's
# configurations and the server.
CASES = [
    ("ttft_ms", 0, True),
    ("ttft_ms", 5000, True),
    ("ttft_ms", 5000.5, False),
    ("ttft_ms", -1, False),
    ("tokens_per_s", 0, True),
    ("tokens_per_s", 1, True),
    ("tokens_per_s", 1000, True),
    ("tokens_per_s", 1e-9, False),
    ("tokens_per_s", 0.5, False),
    ("tokens_per_s", 1001, False),
    ("jitter_ms", 200, True),
    ("jitter_ms", 1e12, False),
    ("seed", 2**31 - 1, True),
    ("seed", 2**31, False),
    ("seed", -1, False),
]


@pytest.mark.parametrize("name, value, allowed", CASES)
def test_limits_when_value_given_then_presets_profile_and_server_agree(
    sim_base_url, name, value, allowed
):
    url_name = next(url for url, (attr, _) in PROFILE_LIMITS.items() if attr == name)
    assert bool(parse_profile_params({url_name: str(value)}).values) is allowed
    assert (not LatencyProfile(**{name: value}).problems()) is allowed
    if name != "seed":  # a lab configuration has no sim seed of its own (the experiment's is used)
        assert (not Variant("v", **{name: value}).problems()) is allowed
    # The 429 fault answers right after validation, so a valid 5 s TTFT costs no waiting.
    body = {"model": "sim-fast", "messages": MESSAGES, "sim": {name: value, "fault": "429"}}
    response = loopback.post(sim_base_url + "/chat/completions", json=body, headers=AUTH, timeout=10)
    assert (response.status_code == 429) is allowed
    if not allowed:
        error = response.json()["error"]
        assert (response.status_code, error["type"], error["param"]) == (
            400,
            "invalid_request_error",
            f"sim.{name}",
        )
