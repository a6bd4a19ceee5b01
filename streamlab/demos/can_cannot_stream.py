"""The seed's "what can and cannot stream" table, with every row measured instead of claimed.

Rows are measured one after another (`measure_cases` yields as each finishes) so a page can fill
its table live; `to_components_table` turns the results so far into the displayed frame.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import pandas as pd
from langchain_core.language_models import BaseChatModel

from streamlab.measure.streamability import VERDICT_LABELS, Measurement, measure
from streamlab.recipes.can_cannot_stream import Case

__all__ = ["COLUMNS", "measure_cases", "to_components_table"]

COLUMNS = [
    "component", "seed says", "chunks", "with text", "TTFT (ms)", "total (ms)", "verdict",
    "first chunks",
]  # fmt: skip


def measure_cases(cases: Sequence[Case], llm: BaseChatModel) -> Iterator[tuple[Case, Measurement]]:
    """Build and stream each case with `llm`, yielding its measurement as soon as it is done."""
    for case in cases:
        yield case, measure(case.build(llm), case.input, label=case.component)


def to_components_table(results: Iterable[tuple[Case, Measurement]]) -> pd.DataFrame:
    rows = [
        {
            "component": case.component,
            "seed says": case.seed_says,
            "chunks": m.chunks,
            "with text": m.content_chunks,
            "TTFT (ms)": None if m.ttft_ms is None else round(m.ttft_ms, 1),
            "total (ms)": None if m.total_ms is None else round(m.total_ms, 1),
            "verdict": VERDICT_LABELS[m.verdict] if m.error is None else f"error: {m.error}",
            "first chunks": " | ".join(m.previews),
        }
        for case, m in results
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


def verdict_counts(results: Iterable[tuple[Case, Measurement]]) -> dict[str, int]:
    """How many rows streamed, streamed in one burst, or did not stream (errors excluded)."""
    counts = dict.fromkeys(VERDICT_LABELS.values(), 0)
    for _, m in results:
        if m.error is None:
            counts[VERDICT_LABELS[m.verdict]] += 1
    return counts
