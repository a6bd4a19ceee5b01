"""What each shareable run puts on the class board, read from its own measurements."""

from __future__ import annotations

from dataclasses import replace

from streamlab.lab.experiments import ExperimentConfig, Variant
from streamlab.lab.results import Experiment
from streamlab.lab.shares import Numbers, lab_numbers, race_numbers, trials_numbers
from streamlab.measure.trials import Trial, to_frame
from tests.support.factories import make_experiment


def metrics(ttft, total, speed=None) -> dict:
    return {"ttft_ms": ttft, "total_ms": total, "output_speed_tps": speed}


def test_race_numbers_take_each_lane_and_the_streamed_speed():
    assert race_numbers(metrics(150.0, 1_000.0, 80.0), metrics(990.0, 1_010.0, None)) == Numbers(
        ttft_stream_ms=150.0,
        ttft_invoke_ms=990.0,
        total_stream_ms=1_000.0,
        total_invoke_ms=1_010.0,
        tokens_per_s=80.0,
    )
    assert race_numbers(metrics(None, None), metrics(990.0, 1_010.0)) is None  # nothing was seen


def test_trials_numbers_are_the_medians_and_a_failed_mode_is_left_out():
    trials = [
        Trial(1, "stream", 100.0, 900.0, 40),
        Trial(1, "invoke", 800.0, 820.0, 1),
        Trial(2, "invoke", 900.0, 920.0, 1),
        Trial(2, "stream", 120.0, 950.0, 40),
        Trial(3, "stream", 500.0, 990.0, 40),
    ]
    assert trials_numbers(to_frame(trials)) == Numbers(
        ttft_stream_ms=120.0,
        ttft_invoke_ms=850.0,
        total_stream_ms=950.0,
        total_invoke_ms=870.0,
        tokens_per_s=None,
    )
    only_stream = to_frame(
        [Trial(1, "stream", 100.0, 900.0, 40), Trial(1, "invoke", None, None, None, "x")]
    )
    assert trials_numbers(only_stream)["ttft_invoke_ms"] is None
    assert trials_numbers(to_frame([Trial(1, "stream", None, None, None, "boom")])) is None


def test_lab_numbers_compare_with_invoke_only_on_the_same_provider_and_model():
    experiment = make_experiment()  # streaming on sim-fast; invoke on OpenAI's gpt-4o-mini
    variant, numbers = lab_numbers(experiment)
    assert (variant.label, variant.provider, variant.model) == ("streaming", "embedded", "sim-fast")
    assert numbers["ttft_stream_ms"] == 120.25 and numbers["tokens_per_s"] == 80.1
    assert numbers["ttft_invoke_ms"] is None  # another model: no ratio across models
    same_model = (Variant("streaming"), Variant("invoke", mode="invoke"))
    config = replace(experiment.config, variants=same_model)
    [ok] = [t for t in experiment.trials if t.status == "ok"]
    ok_invoke = replace(ok, variant="invoke", ttft_ms=700.0, total_ms=710.0)
    _, numbers = lab_numbers(replace(experiment, config=config, trials=[*experiment.trials, ok_invoke]))
    assert (numbers["ttft_invoke_ms"], numbers["total_invoke_ms"]) == (700.0, 710.0)


def test_lab_numbers_need_a_streaming_configuration_with_a_first_text():
    only_invoke = ExperimentConfig(variants=(Variant("invoke", mode="invoke"),))
    assert lab_numbers(Experiment(only_invoke, make_experiment().trials)) is None
