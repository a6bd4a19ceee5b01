"""Lesson progress kept in `st.session_state`, shown on the takeaways page.

A lesson counts as done once the learner has pressed Run on it at least once.
"""

from __future__ import annotations

import streamlit as st

_KEY = "lessons_run"

# Every lesson id a page passes to `mark_ran`, in app order, with its page file.
LESSONS: dict[str, str] = {
    "overview": "pages/01_overview.py",
    "why_streaming": "pages/02_why_streaming.py",
    "internals": "pages/03_internals.py",
    "llm_direct": "pages/04_llm_direct.py",
    "sequence": "pages/05_sequence.py",
    "parallel": "pages/06_parallel.py",
    "astream_events": "pages/07_astream_events.py",
    "can_cannot_stream": "pages/08_can_cannot_stream.py",
    "streaming_vs_not": "pages/09_streaming_vs_not.py",
    "use_cases": "pages/10_use_cases.py",
    "common_mistakes": "pages/11_common_mistakes.py",
    "tool_calls": "pages/12_tool_calls.py",
    "fastapi": "pages/13_fastapi.py",
    "latency_lab": "pages/14_latency_lab.py",
}


def mark_ran(lesson: str) -> None:
    st.session_state.setdefault(_KEY, set()).add(lesson)


def lessons_run() -> set[str]:
    return set(st.session_state.get(_KEY, set()))
