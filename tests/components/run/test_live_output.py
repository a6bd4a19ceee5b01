"""Live output: every rendering mode ends with the same Markdown text and keeps partial text."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from components.run.live_output import (
    DEFAULT_RENDER_MODE,
    FLUSH_EVERY_S,
    RENDER_MODES,
    coalesce,
    render_mode,
)


def page() -> None:
    import streamlit as st

    from components.run.live_output import render_text_stream

    def chunks():
        yield from ["**Stream", "ing** runs ", "in ", "pieces."]
        if st.session_state.get("fail"):
            raise ConnectionError("boom")

    live = render_text_stream(chunks(), key="t_output")
    st.session_state["live"] = live


@pytest.mark.parametrize("mode", RENDER_MODES)
def test_every_mode_ends_with_the_whole_text_as_markdown(monkeypatch, mode):
    monkeypatch.setenv("STREAMLAB_LIVE_RENDER", mode)
    at = AppTest.from_function(page).run()
    assert not at.exception
    assert [m.value for m in at.markdown] == ["**Streaming** runs in pieces."]
    assert at.session_state["live"].text == "**Streaming** runs in pieces."


@pytest.mark.parametrize("mode", RENDER_MODES)
def test_every_mode_keeps_partial_text_above_the_error(monkeypatch, mode):
    monkeypatch.setenv("STREAMLAB_LIVE_RENDER", mode)
    at = AppTest.from_function(page)
    at.session_state["fail"] = True
    at.run()
    assert [m.value for m in at.markdown] == ["**Streaming** runs in pieces."]
    assert at.error and "Incomplete" in at.caption[0].value


@pytest.mark.parametrize(
    "env, expected",
    [
        ({}, (DEFAULT_RENDER_MODE, FLUSH_EVERY_S)),
        ({"STREAMLAB_LIVE_RENDER": "every-chunk"}, ("every-chunk", FLUSH_EVERY_S)),
        ({"STREAMLAB_LIVE_RENDER": "nonsense"}, (DEFAULT_RENDER_MODE, FLUSH_EVERY_S)),
        ({"STREAMLAB_FLUSH_MS": "50"}, (DEFAULT_RENDER_MODE, 0.05)),
        ({"STREAMLAB_FLUSH_MS": "soon"}, (DEFAULT_RENDER_MODE, FLUSH_EVERY_S)),
    ],
)
def test_render_mode_comes_from_the_environment(monkeypatch, env, expected):
    monkeypatch.delenv("STREAMLAB_LIVE_RENDER", raising=False)
    monkeypatch.delenv("STREAMLAB_FLUSH_MS", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert render_mode() == expected


def test_coalesce_shows_the_first_piece_at_once_and_loses_nothing():
    pieces = ["a", "", "b", "c"]
    out = list(coalesce(pieces, every_s=3600))
    assert out == ["a", "bc"]
    assert list(coalesce(pieces, every_s=0)) == ["a", "b", "c"]
