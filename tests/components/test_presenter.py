"""Presenter mode: on from a link or the sidebar toggle, kept in the address, charts at 20 px."""

from __future__ import annotations

import plotly.graph_objects as go
from streamlit.testing.v1 import AppTest

from components.figures.theme import (
    PRESENTER_FONT_SIZE,
    TEMPLATE,
    for_presenter,
    new_figure,
)
from components.presenter import BODY_FONT_PX, PRESENTER_CSS, TOGGLE_KEY
from tests.support.apptest import FAST_PROFILE, ROOT


def app(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    for key, value in FAST_PROFILE.items():
        at.session_state[key] = value
    at.query_params.update(params)
    return at.run()


def stylesheet_drawn(at: AppTest) -> bool:
    return any(e.proto.body.strip() == PRESENTER_CSS.strip() for e in at.get("html"))


def test_present_link_when_opened_then_the_mode_is_on_and_the_address_keeps_it_across_lessons():
    at = app(present="1")
    assert not at.exception
    assert at.sidebar.toggle(key=TOGGLE_KEY).value is True
    assert stylesheet_drawn(at)
    at.query_params.clear()  # switching page drops the query string
    at.switch_page("lessons/05_sequence.py").run()
    assert at.query_params["present"] == "1" and stylesheet_drawn(at)


def test_presenter_toggle_when_turned_off_then_the_address_and_the_stylesheet_drop_it():
    at = app(present="1")
    at.sidebar.toggle(key=TOGGLE_KEY).set_value(False).run()
    assert "present" not in at.query_params and not stylesheet_drawn(at)
    at.sidebar.toggle(key=TOGGLE_KEY).set_value(True).run()
    assert at.query_params["present"] == "1" and stylesheet_drawn(at)


def test_no_present_link_then_the_mode_is_off():
    at = app()
    assert at.sidebar.toggle(key=TOGGLE_KEY).value is False
    assert "present" not in at.query_params and not stylesheet_drawn(at)


def test_for_presenter_when_given_a_figure_then_a_copy_has_20_px_text_and_the_same_colours():
    fig = new_figure(go.Scatter(x=[1, 2], y=[3, 4], name="llm.stream()"))
    big = for_presenter(fig)
    layout = big.layout.template.layout
    assert layout.font.size == PRESENTER_FONT_SIZE == BODY_FONT_PX
    assert layout.xaxis.tickfont.size == layout.yaxis.tickfont.size == PRESENTER_FONT_SIZE - 1
    assert (
        layout.colorway == TEMPLATE.layout.colorway and layout.font.color == TEMPLATE.layout.font.color
    )
    assert fig.layout.template.layout.font.size == TEMPLATE.layout.font.size  # the original is untouched
    assert big.data == fig.data


def test_presenter_stylesheet_is_a_constant_with_20_px_body_text():
    assert f"font-size: {BODY_FONT_PX}px" in PRESENTER_CSS and BODY_FONT_PX >= 20
    assert PRESENTER_CSS.strip().startswith("<style>") and PRESENTER_CSS.strip().endswith("</style>")
