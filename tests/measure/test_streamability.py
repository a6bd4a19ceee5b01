"""The "does it stream?" verdict and measurement, on hand-written schedules and fake models."""

from __future__ import annotations

import pandas as pd
import pytest
from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langchain_core.runnables import RunnableLambda

from components.figures.strip import chunk_strip_figure
from components.figures.theme import VERDICT_COLORS
from streamlab.measure.streamability import LlmClock, judge, measure, to_table


@pytest.mark.parametrize(
    "content_ms, expected",
    [
        ([], "doesn't"),
        ([120.0], "doesn't"),
        ([100.0, 150.0, 200.0, 300.0], "streams"),
        ([299.0, 299.2, 299.5, 300.0], "partial"),  # a burst after the model finished
        ([0.1, 0.2, 0.3], "partial"),  # a large share of the run, but under MIN_SPREAD_MS
        ([240.0, 300.0], "streams"),  # spread 60 of 300 ms: exactly MIN_SPREAD_SHARE
        ([250.0, 300.0], "partial"),  # spread 50 of 300 ms: under a fifth of the run
    ],
)
def test_judge(content_ms, expected):
    assert judge(content_ms) == expected


def test_measure_a_fake_model_stream_and_a_lambda_after_it():
    model = GenericFakeChatModel(messages=iter([AIMessage("a b c d"), AIMessage("a b c d")]))
    streamed = measure(model, "hi", label="model")
    assert streamed.content_chunks == 7  # "a", " ", "b", ... split on spaces, kept as chunks
    assert streamed.llm_end_ms is not None and streamed.previews[:2] == ("a", " ")
    blocked = measure(model | RunnableLambda(lambda m: m.text.upper()), "hi", label="blocked")
    assert (blocked.chunks, blocked.verdict, blocked.previews) == (1, "doesn't", ("A B C D",))
    assert blocked.waited_for_llm


def test_measure_keeps_the_error_and_the_partial_result():
    def fail(_: str) -> str:
        raise ValueError("boom")

    result = measure(RunnableLambda(fail), "x", label="failing")
    assert result.error == "ValueError: boom"
    assert result.chunks == 0 and result.verdict == "doesn't" and result.llm_end_ms is None


def test_llm_clock_keeps_first_start_and_last_end():
    ticks = iter([10, 20, 30, 40])
    clock = LlmClock(clock=lambda: next(ticks))
    clock.on_chat_model_start({}, [])
    clock.on_llm_start({}, [])
    clock.on_llm_end(None)
    assert (clock.start_ns, clock.end_ns) == (10, 20)  # the second start does not read the clock


def test_to_table_and_strip_chart():
    model = GenericFakeChatModel(messages=iter([AIMessage("x y")]))
    m = measure(model, "hi", label="fake")
    table = to_table([m])
    assert table.loc[0, "run"] == "fake" and table.loc[0, "with text"] == 3
    fig = chunk_strip_figure([m.frame], {"fake": "streams"})
    assert [t.name for t in fig.data] == ["fake", "streams"]  # the row, then its verdict in the legend
    assert len(fig.data[0].x) == 3
    assert fig.data[0].marker.color == VERDICT_COLORS["streams"]
    empty = chunk_strip_figure([pd.DataFrame(columns=m.frame.columns)])
    assert len(empty.data) == 0 and empty.layout.annotations
