"""Draws the "what can and cannot stream" measurements: the chunk strip chart (figures/strip.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from components.figures.render import render_figure
from components.figures.strip import chunk_strip_figure

__all__ = ["render_chunk_strip"]


def render_chunk_strip(
    frames: Sequence[pd.DataFrame], verdicts: Mapping[str, str] | None = None, *, key: str | None = None
) -> None:
    render_figure(chunk_strip_figure(frames, verdicts), key=key)
