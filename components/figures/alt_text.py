"""A chart in words: what it plots against what, and what each series shows.

A plotly chart is an SVG drawing that a screen reader cannot read and that says nothing to a
learner who cannot see its colours; `render_figure` puts these lines under every chart, in an
expander. Built from the figure alone (title, axis titles, traces), so no chart needs its own text.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Sequence

import plotly.graph_objects as go

__all__ = ["MAX_POINTS_LISTED", "MAX_SERIES", "to_alt_text"]

MAX_POINTS_LISTED = 8  # a series with more points is summarised by its ranges
MAX_SERIES = 12  # series described one by one; the rest are counted
_TAG = re.compile(r"<[^>]*>")
_KINDS = {"bar": "bars", "box": "box plot", "histogram": "histogram"}
_MODES = {"lines": "line", "markers": "points", "lines+markers": "line with points"}


def to_alt_text(fig: go.Figure) -> list[str]:
    """The chart's title and axes, then one line per series with data (in drawing order)."""
    lines = []
    if title := _plain(fig.layout.title.text):
        lines.append(title)
    axes = [
        f"{which} axis: {name}"
        for which, name in (
            ("horizontal", _plain(fig.layout.xaxis.title.text)),
            ("vertical", _plain(fig.layout.yaxis.title.text)),
        )
        if name
    ]
    if axes:
        lines.append("; ".join(axes).capitalize() + ".")
    series = [trace for trace in fig.data if _shown(trace)]
    for number, trace in enumerate(series[:MAX_SERIES], 1):
        if name := _plain(trace.name) or ("" if len(series) == 1 else f"series {number}"):
            lines.append(f"{name} ({_kind(trace)}): {_values(trace)}")
        else:
            lines.append(f"{_kind(trace).capitalize()}: {_values(trace)}")
    if len(series) > MAX_SERIES:
        lines.append(f"… and {len(series) - MAX_SERIES} more series.")
    if not series:
        notes = [_plain(a.text) for a in fig.layout.annotations if _plain(a.text)]
        lines.append(" ".join(notes) if notes else "No data drawn.")
    return lines


def _plain(text: object) -> str:
    """Plotly text without its HTML: tags become spaces, entities characters, runs of space one."""
    return " ".join(html.unescape(_TAG.sub(" ", str(text))).split()) if text is not None else ""


def _shown(trace: go.BaseTraceType) -> bool:
    if getattr(trace, "visible", None) in (False, "legendonly"):
        return False
    return any(
        not _missing(v) for v in _list(getattr(trace, "x", None)) + _list(getattr(trace, "y", None))
    )


def _kind(trace: go.BaseTraceType) -> str:
    if trace.type == "scatter":
        return _MODES.get(trace.mode or "lines", "points")
    return _KINDS.get(trace.type, trace.type)


def _values(trace: go.BaseTraceType) -> str:
    x, y = _list(getattr(trace, "x", None)), _list(getattr(trace, "y", None))
    if trace.type == "box":
        return _spread(y if any(not _missing(v) for v in y) else x)
    horizontal = getattr(trace, "orientation", None) == "h"
    labels, values = (y, x) if horizontal else (x, y)
    if not labels:
        labels = list(range(len(values)))
    base = _list(getattr(trace, "base", None)) if trace.type == "bar" else []
    pairs = [
        (label, value, base[i] if i < len(base) else (base[0] if len(base) == 1 else None))
        for i, (label, value) in enumerate(zip(labels, values, strict=False))
        if not _missing(value) and not _missing(label)
    ]
    if len(pairs) <= MAX_POINTS_LISTED:
        hover = [_plain(h) for h in _list(getattr(trace, "hovertext", None))]
        if len(hover) == len(pairs) and all(hover):  # the chart's own words for each point
            return "; ".join(hover) + "."
        return "; ".join(_pair(label, value, start) for label, value, start in pairs) + "."
    labels = [label for label, _, _ in pairs]
    # A bar drawn from a base covers base..base+value: its range is the extent it covers.
    extents = [v for _, value, start in pairs for v in _extent(value, start)]
    ranges = {"x": extents, "y": labels} if horizontal else {"x": labels, "y": extents}
    return f"{len(pairs)} points, " + ", ".join(f"{a} {_range(v)}" for a, v in ranges.items()) + "."


def _extent(value: object, start: object) -> list[object]:
    if isinstance(start, int | float) and isinstance(value, int | float):
        return [start, start + value]
    return [value]


def _pair(label: object, value: object, start: object) -> str:
    if isinstance(start, int | float) and isinstance(value, int | float):
        return f"{_number(label)}: from {_number(start)} to {_number(start + value)}"
    return f"{_number(label)} → {_number(value)}"


def _spread(values: Sequence[object]) -> str:
    numbers = sorted(v for v in values if isinstance(v, int | float) and math.isfinite(v))
    if not numbers:
        return "no values."
    middle = len(numbers) // 2
    median = numbers[middle] if len(numbers) % 2 else (numbers[middle - 1] + numbers[middle]) / 2
    low, high = _number(numbers[0]), _number(numbers[-1])
    return f"{len(numbers)} values from {low} to {high}, median {_number(median)}."


def _range(values: Sequence[object]) -> str:
    numbers = [v for v in values if isinstance(v, int | float) and math.isfinite(v)]
    if len(numbers) == len(values) and numbers:
        return f"from {_number(min(numbers))} to {_number(max(numbers))}"
    labels = list(dict.fromkeys(_plain(v) for v in values))
    shown = ", ".join(labels[:MAX_POINTS_LISTED])
    return shown + (
        f" and {len(labels) - MAX_POINTS_LISTED} more" if len(labels) > MAX_POINTS_LISTED else ""
    )


def _number(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _plain(value)
    if not math.isfinite(value):
        return str(value)
    if value == int(value) or abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.3g}" if abs(value) < 1 else f"{value:,.1f}"


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _list(values: object) -> list[object]:
    if values is None:
        return []
    if isinstance(values, str) or not isinstance(values, Iterable):
        return [values]
    items = list(values)  # tuples, lists and numpy arrays
    return [v.item() if hasattr(v, "item") else v for v in items]
