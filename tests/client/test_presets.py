from __future__ import annotations

import pytest

from streamlab.client.presets import parse_profile_params, to_profile_params


def test_valid_params_become_sidebar_values():
    preset = parse_profile_params(
        {"ttft": "800", "tps": "25", "jitter": "10", "seed": "3", "model": "sim-detailed"}
    )
    assert preset.values == {
        "ttft_ms": 800.0,
        "tokens_per_s": 25.0,
        "jitter_ms": 10.0,
        "seed": 3,
        "model": "sim-detailed",
    }
    assert preset.problems == []


@pytest.mark.parametrize(
    "params, problem",
    [
        ({"ttft": "fast"}, "?ttft='fast': it must be a number"),
        ({"ttft": "inf"}, "?ttft='inf': it must be a number from 0 to 5000 ms"),
        ({"tps": "-5"}, "?tps='-5': it must be 0 or a number from 1 to 1000 tokens/s"),
        ({"tps": "1e-9"}, "?tps='1e-9': it must be 0 or a number from 1 to 1000 tokens/s"),
        ({"jitter": "9999"}, "?jitter='9999': it must be a number from 0 to 200 ms"),
        ({"seed": "1.5"}, "?seed='1.5': it must be a whole number from 0 to 2147483647"),
        ({"model": "gpt-5"}, "?model='gpt-5': choose one of sim-fast, sim-detailed"),
    ],
)
def test_bad_params_are_dropped_with_a_message(params, problem):
    preset = parse_profile_params(params)
    assert preset.values == {}
    assert len(preset.problems) == 1 and problem in str(preset.problems[0])


def test_round_trip_through_the_url():
    values = {"ttft_ms": 250.0, "tokens_per_s": 40.0, "jitter_ms": 0.0, "seed": 9, "model": "sim-fast"}
    assert parse_profile_params(to_profile_params(values)).values == values
