from __future__ import annotations

import pytest

from streamlab.client.validation import prompt_problem


@pytest.mark.parametrize(
    "text, problem",
    [
        ("", "prompt is empty"),
        ("   \n\t", "prompt is empty"),
        (None, "prompt is empty"),
        ("x" * 100_000, "too long (100,000 characters; the limit is 20,000)"),
        ("bad \udcff surrogate", "not valid text"),
    ],
)
def test_bad_prompts_get_a_message_saying_what_to_fix(text, problem):
    assert problem in prompt_problem(text)


@pytest.mark.parametrize(
    "text", ["Explain RAG", "Explique le streaming 🚀", "اشرح البث المباشر", "流式传输"]
)
def test_good_prompts_in_any_script_pass(text):
    assert prompt_problem(text) is None
