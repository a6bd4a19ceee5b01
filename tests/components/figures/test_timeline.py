"""The run timeline: one bar per runnable in the call tree, stream events as ticks."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableParallel

from components.figures.theme import RUN_TYPE_COLORS
from components.figures.timeline import event_timeline_figure
from streamlab.measure.event_rows import to_dataframe
from streamlab.measure.event_spans import SPAN_COLUMNS, to_spans
from streamlab.measure.events import capture_events_sync
from tests.support.event_chains import fake_model, seed_chain


def bars(fig: go.Figure) -> list[go.Bar]:
    return [trace for trace in fig.data if isinstance(trace, go.Bar)]


def seed_capture():
    return capture_events_sync(seed_chain(), "streaming")


def test_event_timeline_figure_when_seed_chain_then_one_bar_per_span_and_one_marker_per_stream_event():
    captured = seed_capture()
    spans, rows = to_spans(captured), to_dataframe(captured)

    fig = event_timeline_figure(spans, rows)

    assert sum(len(bar.y) for bar in bars(fig)) == len(spans) == 4
    assert {bar.name for bar in bars(fig)} == {"chain", "lambda", "prompt", "chat_model"}
    assert all(bar.marker.color == RUN_TYPE_COLORS[bar.name] for bar in bars(fig))
    (markers,) = [trace for trace in fig.data if trace.name == "stream events"]
    assert len(markers.x) == (rows["phase"] == "stream").sum() == 11
    assert any("chunks" in text for text in markers.hovertext)
    assert fig.layout.barmode == "overlay"


def test_event_timeline_figure_when_captured_events_given_directly_then_same_markers():
    captured = seed_capture()

    fig = event_timeline_figure(to_spans(captured), captured)

    (markers,) = [trace for trace in fig.data if trace.name == "stream events"]
    assert len(markers.x) == 11


def test_event_timeline_figure_when_nested_then_rows_follow_the_tree_with_indented_labels():
    spans = to_spans(seed_capture())

    fig = event_timeline_figure(spans)

    labels = [label.rstrip("\u00a0") for label in fig.layout.yaxis.ticktext]
    assert labels == ["RunnableSequence", "└\u00a0RunnableLambda", "└\u00a0ChatPromptTemplate",
                      "└\u00a0GenericFakeChatModel"]  # fmt: skip
    assert len({len(label) for label in fig.layout.yaxis.ticktext}) == 1  # padded to one width
    assert fig.layout.yaxis.autorange == "reversed"


def test_event_timeline_figure_when_parallel_then_sibling_bars_overlap_in_time():
    prompt = ChatPromptTemplate.from_template("{topic}")
    parallel = RunnableParallel(
        short=prompt | fake_model("brief"),
        detailed=prompt | fake_model("a longer answer"),
    )
    captured = capture_events_sync(parallel, {"topic": "RAG"})
    spans = to_spans(captured)

    fig = event_timeline_figure(spans, captured)

    assert sum(len(bar.y) for bar in bars(fig)) == len(spans) == 7
    (chain_bars,) = [bar for bar in bars(fig) if bar.name == "chain"]
    bar_ranges = zip(chain_bars.y, chain_bars.base, chain_bars.x, strict=True)
    branch_ranges = [(base, base + width) for y, base, width in bar_ranges if spans.loc[y, "depth"] == 1]
    assert len(branch_ranges) == 2
    assert max(start for start, _ in branch_ranges) < min(end for _, end in branch_ranges)


def test_event_timeline_figure_when_a_step_takes_no_time_then_its_bar_stays_visible():
    spans = pd.DataFrame(
        [
            ("a", None, "RunnableSequence", "chain", 0.0, 100.0, 0, 0, None),
            ("b", "a", "ChatPromptTemplate", "prompt", 5.0, 5.0, 1, 0, None),
        ],
        columns=SPAN_COLUMNS,
    )

    fig = event_timeline_figure(spans)

    (prompt_bar,) = [bar for bar in bars(fig) if bar.name == "prompt"]
    assert prompt_bar.x[0] > 0
    assert "(0.0 ms)" in prompt_bar.hovertext[0]  # the hover still tells the truth


def test_event_timeline_figure_when_nothing_captured_then_an_explanatory_annotation():
    fig = event_timeline_figure(to_spans([]), to_dataframe([]))

    assert len(fig.data) == 0
    (annotation,) = fig.layout.annotations
    assert "run the chain" in annotation.text
