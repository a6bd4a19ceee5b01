from __future__ import annotations

import itertools
import re
import statistics

import pytest

from streamlab.sim.answers import LatencyProfile, compose_answer, resolve_model, schedule, tokenize
from streamlab.sim.writing import tool_reply, topic_phrase
from tests.support.simclient import FAST, post_chat


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


# --- answers that read naturally (issue 13, item 5) ---------------------------------------------

CORPUS_PROMPTS = ["Explain RAG", "What is LCEL?", "What is an agent?", "Why does latency matter?"]
CORPUS_PROMPTS += ["Explain RunnableParallel", "Explain streaming runnables", "Explain streaming"]


@pytest.mark.parametrize("prompt", CORPUS_PROMPTS)
def test_compose_answer_when_an_opener_leads_then_the_sentence_goes_on_in_lower_case(prompt):
    for seed in range(12):
        answer = compose_answer(prompt, seed=seed)
        opened = re.match(r"(In short, |Put simply, |Briefly: )(\S+)", answer)
        if opened:
            word = opened[2]
            assert (
                word[0].islower()
                or (len(word) > 1 and word.rstrip(",").isupper())
                or any(c.isupper() for c in word[1:])
            ), answer[:60]


@pytest.mark.parametrize(
    "results, expected",
    [
        (
            [("get_weather", "Sunny in Paris for the next 3 day(s).")],
            "I checked get_weather. Sunny in Paris for the next 3 day(s).",
        ),
        ([("get_weather", "sunny, 21 C")], "I checked get_weather: sunny, 21 C."),
        ([("add", "5")], "I checked add: 5."),
        (
            [("get_weather", '{"temp_c": 21, "sky": "clear"}')],
            "I checked get_weather: temp c 21, sky clear.",
        ),
        (
            [("get_weather", "sunny, 21 C"), ("get_local_time", "14:05")],
            "I checked get_weather and get_local_time. Weather: sunny, 21 C. Local time: 14:05.",
        ),
    ],
    ids=["sentence", "phrase", "number", "json", "two tools"],
)
def test_tool_reply_when_results_come_back_then_reads_as_one_answer(results, expected):
    assert tool_reply(results) == expected


def test_answer_after_a_tool_result_when_sent_through_http_then_natural(sim_base_url):
    call = {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}
    messages = [
        {"role": "user", "content": "What is the weather in Paris?"},
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "call_1", "content": "Sunny in Paris for the next 3 day(s)."},
    ]
    reply = post_chat(sim_base_url, {"model": "sim-fast", "messages": messages, "sim": FAST}).json()
    text = reply["choices"][0]["message"]["content"]
    assert text == "I checked get_weather. Sunny in Paris for the next 3 day(s)."
    assert ".," not in text and "so that is the answer" not in text


@pytest.mark.parametrize(
    "prompt",
    [
        "Write a detailed, multi-paragraph article about streaming runnables.",
        "Write an article about photosynthesis",
        "Write a blog post about RAG",
        "Write an essay on latency in web apps",
    ],
)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_compose_answer_when_an_article_is_asked_then_over_600_words_in_sections(prompt, seed):
    article = compose_answer(prompt, paragraphs=3, seed=seed)
    assert len(article.split()) >= 600
    assert article.startswith("**") and article.count("\n\n**") >= 6  # a title, then sections
    assert "{topic}" not in article


def test_article_when_streamed_by_the_lesson_recipe_then_over_600_words(make_llm):
    from streamlab.recipes.use_cases import stream_article

    text = "".join(chunk.text for chunk in stream_article(make_llm(model="sim-detailed"), "streaming"))
    assert len(text.split()) >= 600


@pytest.mark.parametrize(
    "prompt, topic",
    [
        ("What is the capital of France?", "the capital of France"),
        ("Explain photosynthesis briefly.", "photosynthesis"),
        ("Write a detailed, multi-paragraph article about streaming runnables.", "streaming runnables"),
        ("Tell me about Ada Lovelace", "Ada Lovelace"),
        ("Explain this concept briefly:\nRunnable streaming", "Runnable streaming"),  # the seed's
        ("質" * 2000, "質" * 60),  # a pasted page is not repeated whole
        ("?", "this topic"),
    ],
)
def test_topic_phrase_when_question_then_its_subject_in_its_own_words(prompt, topic):
    assert topic_phrase(prompt) == topic
