"""Bad input and faults on a real lesson page: a clear message, never a traceback, and what
already streamed stays on the page."""

from __future__ import annotations

import logging

import pytest

from tests.support.apptest import FAST_PROFILE, open_page, texts

PAGE = "lessons/04_llm_direct.py"


def run_direct(question: str = "Explain RAG", **state):
    at = open_page(PAGE, profile={**FAST_PROFILE, **state})
    at.text_input(key="direct_question").set_value(question)
    at.button(key="direct_run").click().run()
    assert not at.exception, at.exception
    return at


def errors(at) -> str:
    return " ".join(e.value for e in at.error)


@pytest.mark.parametrize(
    "fault, message",
    [
        ("401", "rejected the API key (HTTP 401)"),
        ("429", "Rate limit reached (HTTP 429). The server asks to retry after 1 s."),
        ("500", "internal error (HTTP 500)"),
    ],
)
def test_http_faults_show_what_happened_and_what_to_do(fault, message):
    at = run_direct(sim_fault=fault)
    assert message in errors(at)


def test_timeout_says_the_provider_did_not_answer():
    at = run_direct(sim_fault="timeout", request_timeout=1)
    assert "did not answer in time" in errors(at)


def test_connection_dropped_mid_stream_keeps_partial_text_and_marks_it_incomplete():
    at = run_direct(sim_fault="drop_after", sim_drop_after=12)
    assert "connection broke while the answer was streaming" in errors(at)
    page = texts(at)
    assert "Incomplete" in page
    assert "Retrieval" in page  # the first words of the RAG answer arrived and stay shown


def test_unknown_model_on_a_compatible_url_is_a_404_message(sim_base_url):
    at = open_page(
        PAGE,
        profile={
            **FAST_PROFILE,
            "provider_kind": "compatible",
            "compat_url": sim_base_url,
            "compat_model": "no-such-model",
        },
    )
    at.button(key="direct_run").click().run()
    assert "does not know this model (HTTP 404)" in errors(at)


def test_unreachable_url_says_check_the_base_url():
    at = open_page(
        PAGE,
        profile={
            **FAST_PROFILE,
            "provider_kind": "compatible",
            "compat_url": "http://127.0.0.1:9/v1",
            "compat_model": "m",
        },
    )
    at.button(key="direct_run").click().run()
    assert "Cannot connect to the provider" in errors(at)


@pytest.mark.parametrize(
    "question, problem",
    [
        ("", "prompt is empty"),
        ("  \n ", "prompt is empty"),
        ("x" * 100_000, "prompt is too long"),
    ],
)
def test_bad_prompts_are_refused_before_sending(question, problem):
    assert problem in errors(run_direct(question))


@pytest.mark.parametrize("question", ["Explain streaming 🚀🌊", "اشرح البث المباشر", "解释流式传输"])
def test_emoji_and_rtl_prompts_stream_normally(question):
    at = run_direct(question)
    assert not at.error
    assert int({m.label: m.value for m in at.metric}["Chunks"]) > 10


def test_forced_html_answer_is_shown_as_text_not_markup():
    payload = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    at = run_direct(sim_text=payload)
    shown = texts(at)
    assert "<script>" in shown or "&lt;script&gt;" in shown  # kept as text in a markdown element
    # Markdown elements never get unsafe_allow_html: Streamlit escapes raw HTML in them.
    assert all(not getattr(m.proto, "allow_html", False) for m in at.markdown)


def test_api_key_never_reaches_the_page_or_the_logs(caplog, sim_base_url):
    secret = "sk-live-THISISASECRETKEY1234567890"
    caplog.set_level(logging.DEBUG)
    at = open_page(
        PAGE,
        profile={
            **FAST_PROFILE,
            "provider_kind": "compatible",
            "compat_url": sim_base_url,
            "compat_model": "sim-fast",
            "compat_key": secret,
        },
    )
    at.button(key="direct_run").click().run()
    assert not at.error
    everything = texts(at) + " ".join(str(e.value) for e in [*at.sidebar.caption, *at.sidebar.markdown])
    assert secret not in everything
    assert secret not in caplog.text
