from __future__ import annotations

import itertools
import statistics

import pytest

from streamlab.sim.answers import LatencyProfile, compose_answer, resolve_model, schedule, tokenize


def test_compose_answer_when_same_seed_then_same_text():
    assert compose_answer("Explain RAG", seed=3) == compose_answer("Explain RAG", seed=3)


def test_compose_answer_when_seed_changes_then_text_may_vary_but_topic_stays():
    answers = {compose_answer("Explain RAG", seed=s) for s in range(12)}
    assert len(answers) > 1
    assert all("Retrieval-Augmented Generation" in a for a in answers)


@pytest.mark.parametrize(
    "prompt, expected",
    [
        ("Explain RAG", "Retrieval-Augmented Generation"),
        ("What is LCEL?", "LangChain Expression Language"),
        ("Explain streaming", "chunks"),
        ("Explain streaming runnables", "runnable"),
        ("How do agents pick a tool?", "agent"),
        ("Why does latency matter?", "time to first token"),
    ],
)
def test_compose_answer_when_topic_known_then_uses_corpus(prompt, expected):
    assert expected in compose_answer(prompt)


def test_compose_answer_when_topic_unknown_then_uses_topic_words():
    answer = compose_answer("Tell me about photosynthesis")
    assert "photosynthesis" in answer.lower()


def test_compose_answer_when_storage_mentioned_then_not_mistaken_for_rag():
    assert "Retrieval" not in compose_answer("Explain storage engines")


def test_detailed_answers_are_longer():
    assert len(compose_answer("Explain RAG", paragraphs=3)) > len(compose_answer("Explain RAG")) * 1.3


def test_compose_answer_when_json_requested_then_valid_json():
    import json

    data = json.loads(compose_answer("Return JSON about rivers"))
    assert data["topic"] == "about rivers" or "rivers" in data["topic"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Hello world", ["Hello", " world"]),
        ("Hi, there.", ["Hi", ",", " there", "."]),
        ("Streaming", ["Stre", "amin", "g"]),
        ("a  b", ["a", "  b"]),
    ],
)
def test_tokenize_when_text_then_openai_like_pieces(text, expected):
    assert tokenize(text) == expected


def test_tokenize_round_trips_any_text():
    text = compose_answer("Explain RAG", paragraphs=3)
    assert "".join(tokenize(text)) == text


def test_schedule_when_profile_then_first_at_ttft_and_rate_follows_tokens_per_s():
    offsets = schedule(101, LatencyProfile(ttft_ms=300, tokens_per_s=50))
    assert offsets[0] == pytest.approx(0.3)
    assert offsets[-1] - offsets[0] == pytest.approx(100 / 50)


def test_schedule_when_jitter_then_seeded_and_bounded():
    profile = LatencyProfile(ttft_ms=100, tokens_per_s=20, jitter_ms=20, seed=5)
    first, again = schedule(50, profile), schedule(50, profile)
    assert first == again
    gaps = [b - a for a, b in itertools.pairwise(first)]
    assert all(0.03 - 1e-9 <= g <= 0.07 + 1e-9 for g in gaps)
    assert statistics.pstdev(gaps) > 0.005
    other = schedule(50, LatencyProfile(ttft_ms=100, tokens_per_s=20, jitter_ms=20, seed=6))
    assert other != first


def test_schedule_when_tokens_per_s_zero_then_all_due_at_ttft():
    assert set(schedule(10, LatencyProfile(ttft_ms=40, tokens_per_s=0))) == {0.04}


def test_resolve_model_aliases_seed_names():
    assert resolve_model("gpt-3.5-turbo").name == "sim-fast"
    assert resolve_model("gpt-4o-mini").name == "sim-fast"
    assert resolve_model("gpt-4").name == "sim-detailed"
    assert resolve_model("gpt-5-imaginary") is None
