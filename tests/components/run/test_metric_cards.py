"""Metric cards: human labels and units, "—" for missing values, deltas coloured by direction."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from components.run.metric_cards import MetricCard, to_metric_cards

SUMMARY = {"ttft_ms": 123.4, "total_ms": 1534.0, "output_speed_tps": 48.3, "chunks": 12}


def test_to_metric_cards_when_recorder_summary_then_labels_and_units():
    cards = to_metric_cards(SUMMARY)

    assert [(card.label, card.value) for card in cards] == [
        ("TTFT", "123 ms"),
        ("Total", "1,534 ms"),
        ("Output speed", "48.3 tok/s"),  # tokens_per_s falls back to the recorder's output_speed_tps
        ("Chunks", "12"),
    ]
    assert all(card.delta is None for card in cards)


@pytest.mark.parametrize(
    "given, expected",
    [
        ({"ttft_ms": None}, "—"),
        ({"ttft_ms": float("nan")}, "—"),
        ({}, "—"),
        ({"ttft_ms": 4.56}, "4.6 ms"),
        ({"ttft_ms": 0}, "0.0 ms"),
    ],
)
def test_to_metric_cards_when_value_missing_or_small_then_formatted(given, expected):
    (card,) = to_metric_cards(given, columns=("ttft_ms",))

    assert card.value == expected


def test_to_metric_cards_when_delta_from_given_then_signed_deltas_coloured_by_direction():
    invoke = {"ttft_ms": 900.0, "total_ms": 1500.0, "tokens_per_s": None, "chunks": 1}

    cards = to_metric_cards(SUMMARY, delta_from=invoke)

    assert [(card.delta, card.delta_color) for card in cards] == [
        ("-777 ms", "inverse"),  # lower TTFT is better: a negative delta shows green
        ("+34 ms", "inverse"),
        (None, "normal"),  # nothing to compare against
        ("+11", "off"),
    ]


def test_to_metric_cards_when_unknown_key_then_shown_under_its_own_name():
    assert to_metric_cards({"retries": 2}, columns=("retries",)) == [
        MetricCard("retries", "2", None, "off", None)
    ]


def test_render_metric_cards_when_rendered_then_one_metric_per_column():
    def page() -> None:
        from components.run.metric_cards import render_metric_cards

        render_metric_cards(
            {"ttft_ms": 120.0, "total_ms": None, "tokens_per_s": 50.0, "chunks": 9},
            delta_from={"ttft_ms": 300.0},
        )

    at = AppTest.from_function(page).run()

    assert not at.exception
    assert [(m.label, m.value) for m in at.metric] == [
        ("TTFT", "120 ms"),
        ("Total", "—"),
        ("Output speed", "50.0 tok/s"),
        ("Chunks", "9"),
    ]
    assert at.metric[0].delta == "-180 ms"
