"""The question each lesson asks before its Run (predict, then run), graded from that run's numbers.

Like the quiz's questions (streamlab/demos/takeaways.py), they live in one table, one per lesson
id (`PREDICTIONS`), defined by theme in this package's modules. Each `grade` reads only what its
lesson's run kept (`Saved`) and decides the right option from the measured values: change the
numbers and the answer changes (tests/components/run/test_predict.py).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from components.run.predict import Prediction
from components.run.predictions.chains import (
    ASTREAM_EVENTS,
    CAN_CANNOT_STREAM,
    PARALLEL,
    SAME_FINISH_PCT,
    SEQUENCE,
)
from components.run.predictions.first_steps import INTERNALS, LLM_DIRECT, OVERVIEW, WHY_STREAMING
from components.run.predictions.measured import STREAMING_VS_NOT, TAKEAWAYS
from streamlab.catalog import LESSONS

__all__ = ["PREDICTIONS", "SAME_FINISH_PCT", "prediction_rows"]


PREDICTIONS: dict[str, Prediction] = {
    "overview": OVERVIEW,
    "why_streaming": WHY_STREAMING,
    "internals": INTERNALS,
    "llm_direct": LLM_DIRECT,
    "sequence": SEQUENCE,
    "parallel": PARALLEL,
    "astream_events": ASTREAM_EVENTS,
    "can_cannot_stream": CAN_CANNOT_STREAM,
    "streaming_vs_not": STREAMING_VS_NOT,
    "takeaways": TAKEAWAYS,
}
"""Lesson id → the question its Run answers."""


def prediction_rows(graded: Mapping[str, Mapping[str, bool]]) -> pd.DataFrame:
    """One row per graded prediction (lesson order): the lesson, the question, right or wrong."""
    rows = []
    for item in LESSONS:
        for prediction_id, correct in graded.get(item.id, {}).items():
            asked = PREDICTIONS.get(item.id)
            question = asked.question if asked and asked.id == prediction_id else prediction_id
            rows.append(
                {"lesson": item.title, "prediction": question, "result": "right" if correct else "wrong"}
            )
    return pd.DataFrame(rows, columns=["lesson", "prediction", "result"])
