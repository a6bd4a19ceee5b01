"""Colours that carry text read at 4.5:1 (WCAG 2 AA) on the backgrounds they are drawn on.

The theme in .streamlit/config.toml, the chart template and the stylesheet for what no theme
option reaches (components/assets/accessible.css: captions, syntax colours) are checked here, as
values; the browser test (tests/e2e/test_accessibility_browser.py) checks the rendered pages.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from components.accessibility import CSS_PATH, JS_PATH, KEY
from components.figures.theme import INK, PALETTE, contrast_ratio, label_color, theme_colors

ROOT = Path(__file__).resolve().parents[2]
THEME = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["theme"]
AA = 4.5
RULE = re.compile(r"([^{}]+)\{([^}]*)\}")
COLOR = re.compile(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6})")


def css_rules() -> list[tuple[str, str]]:
    """(selectors, declarations) of the stylesheet, comments removed."""
    css = re.sub(r"/\*.*?\*/", "", CSS_PATH.read_text(), flags=re.S)
    return [(" ".join(s.split()), d) for s, d in RULE.findall(css)]


SYNTAX_RULES = [(s, c) for s, d in css_rules() if ".token" in s for c in COLOR.findall(d)]


@pytest.mark.parametrize(
    "text, background",
    [
        ("textColor", "backgroundColor"),
        ("textColor", "secondaryBackgroundColor"),
        ("primaryColor", "backgroundColor"),  # links, the active tab, toggles' labels
        ("codeTextColor", "codeBackgroundColor"),  # `inline code`
    ],
)
def test_theme_when_text_drawn_on_a_background_then_reads_at_aa(text, background):
    assert contrast_ratio(THEME[text], THEME[background]) >= AA


def test_theme_when_primary_button_then_its_white_label_reads_at_aa():
    assert contrast_ratio("#ffffff", THEME["primaryColor"]) >= AA


def test_chart_ink_when_compared_with_the_app_then_is_its_text_colour():
    assert INK.lower() == THEME["textColor"].lower()


def test_stylesheet_when_captions_then_solid_and_muted_but_at_aa_on_both_backgrounds():
    (declarations,) = [d for s, d in css_rules() if s == '[data-testid="stCaptionContainer"]']
    (color,) = COLOR.findall(declarations)

    assert re.search(r"opacity:\s*1\s*;", declarations)  # Streamlit's 0.6 opacity is what failed
    assert contrast_ratio(color, THEME["backgroundColor"]) >= AA
    assert contrast_ratio(color, THEME["secondaryBackgroundColor"]) >= AA


def test_stylesheet_when_read_then_covers_the_syntax_tokens_streamlit_colours():
    selectors = " ".join(s for s, _ in SYNTAX_RULES)
    for token in ("comment", "keyword", "function", "boolean", "number", "string", "property"):
        assert f".token.{token}" in selectors, token


@pytest.mark.parametrize("selectors, color", SYNTAX_RULES, ids=[c for _, c in SYNTAX_RULES])
def test_stylesheet_when_syntax_colour_then_reads_at_aa_on_the_code_background(selectors, color):
    assert contrast_ratio(color, THEME["codeBackgroundColor"]) >= AA, selectors


def test_stylesheet_when_read_then_hides_the_element_that_carries_the_markup_fixes():
    rules = {s: " ".join(d.split()) for s, d in css_rules()}

    assert rules[f".st-key-{KEY}"] == "display: none;"
    assert "export default function" in JS_PATH.read_text()  # a components.v2 module


@pytest.mark.parametrize("color", PALETTE)
def test_label_color_when_palette_colour_then_text_in_it_reads_at_aa_on_white(color):
    shade = label_color(color)

    assert contrast_ratio(shade, "#ffffff") >= AA
    assert shade in theme_colors()
    if contrast_ratio(color, "#ffffff") >= AA:
        assert shade == color.upper()  # already legible: unchanged


@pytest.mark.parametrize(
    "a, b, expected",
    [("#000000", "#ffffff", 21.0), ("#ffffff", "#ffffff", 1.0), ("#767676", "#ffffff", 4.54)],
)
def test_contrast_ratio_when_known_pairs_then_matches_wcag(a, b, expected):
    assert contrast_ratio(a, b) == pytest.approx(expected, abs=0.01)
