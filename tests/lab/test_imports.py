"""Lab imports: an export read back is the same experiment; a bad or hostile file is refused,
by its size unread, and the message names the trial, the field and the limit."""

from __future__ import annotations

import json
import time

import pytest
from pandas.testing import assert_frame_equal

from streamlab.lab.files import to_json
from streamlab.lab.imports import ImportProblem, from_json
from streamlab.lab.results import chunks_frame, trials_frame
from tests.support.factories import make_experiment


def test_json_export_then_import_gives_identical_experiment():
    original = make_experiment()
    loaded = from_json(to_json(original))
    assert loaded.config == original.config
    assert loaded.trials == original.trials
    assert (loaded.created_at, loaded.status, loaded.wall_ms) == (
        original.created_at,
        original.status,
        original.wall_ms,
    )
    assert_frame_equal(trials_frame(loaded.trials), trials_frame(original.trials))
    assert_frame_equal(chunks_frame(loaded.trials), chunks_frame(original.trials))


@pytest.mark.parametrize(
    "payload, message",
    [
        (b"\xff\xfe not text", "not UTF-8 text"),
        ('{"format": "streaming-runnables-lab/experiment", ', "not valid JSON (line 1, column"),
        ("[1, 2, 3]", "not a latency-lab export"),
        ('{"hello": "world"}', "not a latency-lab export"),
        (
            '{"format": "streaming-runnables-lab/experiment", "version": 7}',
            "Unsupported export version 7",
        ),
    ],
)
def test_malformed_imports_say_what_is_wrong(payload, message):
    with pytest.raises(ImportProblem, match=message.replace("(", r"\(")):
        from_json(payload)


@pytest.mark.parametrize(
    "mutate, message",
    [
        (
            lambda d: d["config"].update(concurrency=99),
            "Concurrency must be a whole number from 1 to 16",
        ),
        (lambda d: d.update(trials={}), "needs a list 'trials'"),
        (lambda d: d["trials"][0].update(ttft_ms="fast"), "'ttft_ms' must be a finite number or null"),
        (lambda d: d["trials"][1].pop("total_ms"), "Trial 2 is missing 'total_ms'"),
        (lambda d: d["trials"][0].update(status="great"), "Trial 1: 'status' must be one of ok, failed"),
        (lambda d: d["trials"][0].update(variant="ghost"), "variant 'ghost' is not one of the configur"),
        (lambda d: d["trials"][1].update(points=[[0, "soon", None, "x"]]), "Trial 2, chunk 1: expected"),
        (lambda d: d["trials"][1].update(points="abc"), "Trial 2: 'points' must be a list"),
    ],
)
def test_imports_with_a_bad_field_name_the_trial_and_field(mutate, message):
    document = json.loads(to_json(make_experiment()))
    mutate(document)
    with pytest.raises(ImportProblem, match=message):
        from_json(json.dumps(document))


def exported(mutate=None) -> str:
    document = json.loads(to_json(make_experiment()))
    if mutate is not None:
        mutate(document)
    return json.dumps(document)


def set_trial(i: int, **values):
    return lambda d: d["trials"][i].update(values)


@pytest.mark.parametrize(
    "text, message",
    [
        (
            '{"format": "streaming-runnables-lab/experiment", "version": 1, "config": '
            + "[" * 100_000
            + "]" * 100_000
            + "}",
            "The file is nested too deeply (more than 8 levels); a lab export has 5.",
        ),
        (
            exported(set_trial(0, chunks=0)).replace('"chunks": 0', '"chunks": ' + "9" * 5000),
            "Trial 1: 'chunks' is a number with 5000 digits; at most 15 are allowed.",
        ),
        (
            exported(set_trial(0, trial=1e30)),
            "Trial 1: 'trial' must be a whole number from 0 to 1; got 1e+30.",
        ),
        (
            exported(set_trial(1, ttft_ms=0.5)).replace('"ttft_ms": 0.5', '"ttft_ms": NaN'),
            "Trial 2: 'ttft_ms' must be a finite number or null; got nan.",
        ),
        (
            exported(set_trial(0, total_ms=0.5)).replace('"total_ms": 0.5', '"total_ms": Infinity'),
            "Trial 1: 'total_ms' must be a finite number or null; got inf.",
        ),
        (
            exported(set_trial(0, started_ms=0.5)).replace('"started_ms": 0.5', '"started_ms": 1e400'),
            "Trial 1: 'started_ms' must be a finite number; got inf.",
        ),
        (
            exported(lambda d: d.update(wall_ms=0.5)).replace('"wall_ms": 0.5', '"wall_ms": -Infinity'),
            "'wall_ms' must be a finite number from 0; got -inf.",
        ),
        (
            exported(lambda d: d["config"]["variants"][0].update(ttft_ms=0.5)).replace(
                '"ttft_ms": 0.5', '"ttft_ms": NaN', 1
            ),
            "The experiment config is invalid: Variant 1: 'ttft_ms' must be a finite number; got nan.",
        ),
        (
            exported(set_trial(0, chunks=-3)),
            "Trial 1: 'chunks' must be a whole number from 0 to 1000000; got -3.",
        ),
        (
            exported(set_trial(0, prompt_index=25)),
            "Trial 1: 'prompt_index' must be a whole number from 0 to 19; got 25.",
        ),
        (
            exported(lambda d: d["trials"].extend([d["trials"][0]] * 2)),
            "The file has 5 trials; its config plans 4 (2 trials × 2 configurations).",
        ),
        (
            exported(set_trial(1, points=[[0, 1.0, None, "x"]] * 20_001)),
            "Trial 2 has 20001 chunks; at most 20000 are allowed.",
        ),
        (
            exported(set_trial(0, error="e" * 5000)),
            "Trial 1: 'error' has 5000 characters; at most 2000 are allowed.",
        ),
        (
            exported(set_trial(1, points=[[0, 1.0, None, "t" * 20_000]])),
            "Trial 2, chunk 1: the text has 20000 characters; at most 10000 are allowed.",
        ),
        (
            exported(lambda d: d["config"].update(name="n" * 10_000)),
            "The experiment config is invalid: The experiment name has 10000 characters; at most 200",
        ),
        (
            exported(lambda d: d.update(created_at="c" * 1000)),
            "'created_at' must be a date and time (ISO 8601); got a text of 1000 characters.",
        ),
        (
            exported(lambda d: d["config"]["variants"][0].update(label=["a"])),
            "The experiment config is invalid: Variant 1 needs a text 'label'.",
        ),
    ],
    ids=[
        "deep-nesting",
        "huge-int",
        "trial-1e30",
        "nan",
        "infinity",
        "1e400",
        "minus-infinity",
        "nan-in-config",
        "negative-count",
        "prompt-index",
        "too-many-trials",
        "too-many-chunks",
        "long-error",
        "long-chunk",
        "long-name",
        "long-date",
        "label-not-text",
    ],
)
def test_a_hostile_import_is_refused_saying_exactly_what_was_rejected(text, message):
    with pytest.raises(ImportProblem) as info:
        from_json(text)
    assert str(info.value).startswith(message), str(info.value)


def test_a_50_mb_file_is_refused_by_its_size_before_it_is_parsed():
    huge = b'{"format": "streaming-runnables-lab/experiment", "pad": "' + b"x" * 50_000_000 + b'"}'
    started = time.perf_counter()
    with pytest.raises(ImportProblem, match=r"The file is 50\.0 MB; the lab imports files up to 10 MB"):
        from_json(huge)
    assert time.perf_counter() - started < 0.05  # not parsed: the size alone decides


def test_every_experiment_the_lab_exports_is_accepted_back():
    assert from_json(to_json(make_experiment())).trials == make_experiment().trials


def test_a_file_nested_deeper_than_an_export_is_refused_even_when_json_can_read_it():
    text = '{"format": "streaming-runnables-lab/experiment", "config": ' + "[" * 20 + "]" * 20 + "}"
    with pytest.raises(ImportProblem, match=r"nested too deeply \(more than 8 levels\)"):
        from_json(text)
