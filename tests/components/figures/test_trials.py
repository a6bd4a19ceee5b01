"""Stream-vs-invoke trials: a box per mode and metric in the mode's colour, every trial a point."""

from __future__ import annotations

from components.figures.theme import MODE_COLORS
from components.figures.trials import trials_figure
from streamlab.measure.trials import Trial, to_frame


def test_trials_figure_when_both_modes_ran_then_each_box_takes_its_mode_colour():
    frame = to_frame(
        [Trial(i, m, 10.0 * i, 100.0 * i, 3, None) for i in (1, 2) for m in ("stream", "invoke")]
    )

    fig = trials_figure(frame)

    assert [(t.name, t.marker.color) for t in fig.data] == [
        ("stream", MODE_COLORS["stream"]),
        ("invoke", MODE_COLORS["invoke"]),
    ]
    assert fig.layout.legend.title.text == "mode"


def test_trials_figure_when_a_trial_failed_then_it_is_left_out():
    frame = to_frame(
        [Trial(1, "stream", 10.0, 100.0, 3, None), Trial(1, "invoke", None, None, None, "boom")]
    )

    fig = trials_figure(frame)

    assert [t.name for t in fig.data] == ["stream"]
