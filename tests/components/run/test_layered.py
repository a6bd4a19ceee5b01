"""The three clocks are explained once, in one shared expander, on every page that times a run in
layers; each page's own note stays in view under it."""

from __future__ import annotations

import pytest

from components.run.layered import LAYERS_INTRO, LAYERS_TITLE, langchain_clock_note, page_note
from tests.support.apptest import open_page, texts


@pytest.mark.parametrize(
    "given, expected",
    [
        (None, None),
        ("", None),
        (LAYERS_INTRO, None),
        (LAYERS_INTRO + " **Here** it differs.", "**Here** it differs."),
        (f"{LAYERS_INTRO}\n\n**Here** too.", "**Here** too."),
        (" **On this page** …", "**On this page** …"),
    ],
)
def test_page_note_when_intro_given_then_keeps_only_the_pages_own_words(given, expected):
    assert page_note(given) == expected


def test_langchain_clock_note_names_the_clock_and_where_all_three_are():
    note = langchain_clock_note("Event times", "the first event")
    assert note.startswith("Event times are LangChain's clock")
    assert "counted from the first event" in note and "Streaming an LLM directly" in note


RUNS = [  # (page, Run button, the page's own note under the layers)
    ("lessons/01_overview.py", "ov_run", "On this page"),
    ("lessons/09_streaming_vs_not.py", "cmp_run", "the medians above, seen on the screen"),
    ("lessons/04_llm_direct.py", "direct_run", None),
]


@pytest.mark.parametrize("page, button, note", RUNS, ids=[r[0].split("/")[1] for r in RUNS])
def test_when_a_run_is_timed_in_layers_then_the_clocks_are_explained_once(page, button, note):
    at = open_page(page)
    at.button(key=button).click().run()
    assert not at.exception
    assert [e.label for e in at.expander].count(f":material/schedule: {LAYERS_TITLE}") == 1
    assert texts(at).count(LAYERS_INTRO) == 1
    if note:
        assert note in texts(at)


def test_when_long_form_article_runs_then_its_note_follows_the_one_explanation():
    at = open_page("lessons/10_use_cases.py")
    at.slider(key="uc_long_max_tokens").set_value(40)
    at.button(key="uc_long_run").click().run()
    assert not at.exception
    assert texts(at).count(LAYERS_INTRO) == 1
    assert "look at the *last token* column" in texts(at)
