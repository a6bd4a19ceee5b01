"""Lab links: an experiment config in query params, and clear warnings for bad ones."""

from __future__ import annotations

import pytest

from streamlab.lab.experiments import ExperimentConfig, Variant
from streamlab.lab.links import (
    TEMPLATES,
    apply_preset,
    parse_lab_params,
    template_variants,
    to_lab_params,
)

CONFIG = ExperimentConfig(
    name="workshop: TTFT, total",
    chain="blocking",
    prompts=("Explain RAG", "Explain LCEL"),
    trials=30,
    concurrency=8,
    warmup=2,
    seed=42,
    max_tokens=64,
    variants=(
        Variant("streaming", ttft_ms=200.0, tokens_per_s=40.0, jitter_ms=0.0),
        Variant("invoke, async", mode="invoke", api="async", fault="drop_after:5"),
        Variant(
            "ollama",
            provider="compatible",
            base_url="http://localhost:11434/v1?x=1,2",
            model="llama3.2:1b",
        ),
    ),
)


def test_config_survives_encode_then_decode():
    preset = parse_lab_params(to_lab_params(CONFIG))
    assert preset.problems == []
    assert apply_preset(ExperimentConfig(), preset) == CONFIG


def test_params_are_prefixed_and_readable():
    params = to_lab_params(CONFIG)
    assert all(name.startswith("lab_") for name in params)
    assert params["lab_n"] == "30" and params["lab_conc"] == "8" and params["lab_chain"] == "blocking"
    assert params["lab_v1"] == (
        "label:streaming,mode:stream,api:sync,provider:embedded,model:sim-fast,ttft:200,tps:40,jitter:0"
    )


def test_sidebar_params_are_left_alone():
    preset = parse_lab_params({"ttft": "800", "model": "sim-detailed", "lab_n": "5"})
    assert preset.values == {"trials": 5} and preset.problems == []


WHOLE = "must be a whole number from"


@pytest.mark.parametrize(
    "params, message",
    [
        ({"lab_n": "500"}, "Ignored ?lab_n='500': trials must be a whole number from 1 to 200."),
        ({"lab_n": "2.5"}, "Ignored ?lab_n='2.5': trials must be a whole number from 1 to 200."),
        ({"lab_conc": "lots"}, f"Ignored ?lab_conc='lots': concurrency {WHOLE} 1 to 16."),
        ({"lab_warmup": "-1"}, f"Ignored ?lab_warmup='-1': warm-up runs {WHOLE} 0 to 20."),
        (
            {"lab_chain": "graph"},
            "Ignored ?lab_chain='graph': choose one of llm, sequence, parallel, blocking.",
        ),
        (
            {"lab_v1": "label:a,mode:fast"},
            "Ignored ?lab_v1: mode must be one of stream, invoke; got 'fast'.",
        ),
        (
            {"lab_v2": "label:a,ttft:-5"},
            "Ignored ?lab_v2: ttft must be a number from 0 to 5000 ms; got '-5'.",
        ),
        ({"lab_v1": "mode:stream"}, "Ignored ?lab_v1: every configuration needs a label"),
        (
            {"lab_v1": "label:a,provider:compatible,url:ftp%3A%2F%2Fx"},
            "must start with http:// or https://",
        ),
        ({"lab_prompts": "\n \n"}, "Ignored ?lab_prompts: it holds no prompt"),
        ({"lab_turbo": "1"}, "Ignored ?lab_turbo: not a lab setting. Allowed: lab_name, lab_chain"),
    ],
)
def test_bad_values_are_dropped_with_a_message_naming_the_param(params, message):
    preset = parse_lab_params(params)
    assert preset.values == {}
    assert preset.problems == [message] or message in preset.problems[0], preset.problems


def test_a_secret_in_a_link_is_never_echoed_or_kept():
    preset = parse_lab_params({"lab_v1": "label:a,key:sk-live-SECRET", "lab_api_key": "sk-live-SECRET"})
    assert preset.values == {}
    assert len(preset.problems) == 2
    assert not any("SECRET" in p for p in preset.problems)
    assert "key" not in to_lab_params(CONFIG)["lab_v3"]


def test_good_params_are_kept_when_others_are_bad():
    params = {"lab_n": "12", "lab_conc": "99", "lab_v1": "label:x", "lab_v2": "label:x"}
    preset = parse_lab_params(params)
    assert preset.values == {"trials": 12}
    assert len(preset.problems) == 2 and "two configurations share a label" in preset.problems[1]


def test_a_bad_value_is_echoed_as_plain_text_the_page_shows_literally():
    [problem] = parse_lab_params({"lab_chain": "`**x**` ![i](http://e/i.png)"}).problems
    assert problem.startswith("Ignored ?lab_chain='`**x**` ![i](http://e/i.png)': choose one of")


@pytest.mark.parametrize(
    "params, values, message",
    [
        (
            {"lab_name": "n" * 300},
            {"name": "n" * 200},
            "Shortened ?lab_name to 200 characters (it had 300).",
        ),
        (
            {"lab_prompts": "short\n" + "p" * 2500},
            {"prompts": ("short", "p" * 2000)},
            "Shortened prompt 2 of ?lab_prompts to 2000 characters (it had 2500).",
        ),
        (
            {"lab_prompts": "\n".join(f"p{i}" for i in range(25))},
            {"prompts": tuple(f"p{i}" for i in range(20))},
            "Kept the first 20 of the 25 prompts in ?lab_prompts (at most 20).",
        ),
        (
            {"lab_v1": "label:" + "l" * 300},
            {},
            "Ignored ?lab_v1: label has 300 characters; at most 200 are allowed.",
        ),
        (
            {"lab_v1": "label:a,model:" + "m" * 201},
            {},
            "Ignored ?lab_v1: model has 201 characters; at most 200 are allowed.",
        ),
        (
            {"lab_v1": "label:a,provider:compatible,url:http%3A%2F%2Fh%2F" + "u" * 2000},
            {},
            "Ignored ?lab_v1: url has 2009 characters; at most 2000 are allowed.",
        ),
    ],
)
def test_a_value_too_long_is_shortened_or_dropped_with_a_warning_naming_it(params, values, message):
    preset = parse_lab_params(params)
    assert (preset.values, preset.problems) == (values, [message])


@pytest.mark.parametrize("name", list(TEMPLATES))
def test_templates_start_from_the_base_variant_and_are_valid(name):
    base = Variant("base", ttft_ms=30.0, tokens_per_s=400.0)
    variants = template_variants(name, base)
    assert len(variants) >= 2 and variants[0].ttft_ms == 30.0
    assert ExperimentConfig(variants=variants).problems() == []


def test_stream_vs_invoke_template_differs_only_in_mode():
    streaming, invoke = template_variants("stream_vs_invoke", Variant("base"))
    assert (streaming.label, streaming.mode, invoke.label, invoke.mode) == (
        "streaming",
        "stream",
        "invoke",
        "invoke",
    )
