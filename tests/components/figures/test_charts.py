"""The chart builders return the traces a page relies on, and never raise on empty input."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest
from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableLambda, RunnableParallel

from components.figures.charts import (
    RUN_TYPE_COLORS,
    arrival_figure,
    event_timeline_figure,
    gap_histogram_figure,
    line_keys,
)
from streamlab.measure.events import SPAN_COLUMNS, capture_events_sync, to_dataframe, to_spans


def bars(fig: go.Figure) -> list[go.Bar]:
    return [trace for trace in fig.data if isinstance(trace, go.Bar)]


def lines(fig: go.Figure) -> list[go.Scatter]:
    return [trace for trace in fig.data if trace.mode == "lines"]


def ttft_markers(fig: go.Figure) -> list[go.Scatter]:
    return [trace for trace in fig.data if trace.mode == "markers" and trace.name.startswith("TTFT")]


def annotation_texts(fig: go.Figure) -> list[str]:
    return [annotation.text for annotation in fig.layout.annotations]


def chunk_frame(label: str, times: list[float], texts: list[str], branch: str | None = None):
    """Rows shaped like StreamRecorder.to_dataframe() (run, index, t_ms, branch, text, chars, ...)."""
    frame = pd.DataFrame({"run": label, "index": range(len(texts)), "t_ms": times, "text": texts})
    chars = frame["text"].str.len()
    return frame.assign(branch=branch, chars=chars, cum_chars=chars.cumsum())


def seed_capture():
    model = GenericFakeChatModel(messages=iter([AIMessage(content="chunks arrive early")]))
    prompt = ChatPromptTemplate.from_template("Explain this concept briefly:\n{topic}")
    return capture_events_sync(RunnableLambda(lambda x: {"topic": x}) | prompt | model, "streaming")


# --- timeline -----------------------------------------------------------------------------------


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
        short=prompt | GenericFakeChatModel(messages=iter([AIMessage(content="brief")])),
        detailed=prompt | GenericFakeChatModel(messages=iter([AIMessage(content="a longer answer")])),
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


# --- arrival ------------------------------------------------------------------------------------


def test_arrival_figure_when_two_runs_then_one_line_and_one_ttft_marker_each():
    runs = pd.concat([
        chunk_frame("streaming", [5.0, 120.0, 160.0, 200.0], ["", "Hello", " wor", "ld"]),
        chunk_frame("invoke", [900.0], ["Hello world"]),
    ])  # fmt: skip

    fig = arrival_figure(runs)

    assert [line.name for line in lines(fig)] == ["streaming", "invoke"]
    streaming = lines(fig)[0]
    assert list(streaming.x) == [0.0, 5.0, 120.0, 160.0, 200.0]  # starts at the request
    assert list(streaming.y) == [0, 0, 5, 9, 11]
    assert streaming.line.shape == "hv"
    # TTFT is the first chunk with text: the empty role chunk at 5 ms does not count.
    assert [(m.name, m.x[0]) for m in ttft_markers(fig)] == [
        ("TTFT · streaming", 120.0),
        ("TTFT · invoke", 900.0),
    ]
    assert [shape.x0 for shape in fig.layout.shapes] == [120.0, 900.0]
    assert all(shape.line.dash == "dot" for shape in fig.layout.shapes)


def test_arrival_figure_when_parallel_branches_then_one_line_per_branch_with_its_own_total():
    runs = pd.concat(
        [
            chunk_frame("parallel", [10.0, 30.0], ["ab", "cd"], branch="short"),
            chunk_frame("parallel", [20.0, 40.0, 60.0], ["x", "y", "z"], branch="detailed"),
        ]
    ).assign(cum_chars=[2, 5, 3, 6, 7])  # a running total over the whole run must not leak in

    fig = arrival_figure(runs, {"parallel": 10.0})  # the run's TTFT is not each branch's

    assert {line.name: list(line.y) for line in lines(fig)} == {
        "parallel · short": [0, 2, 4],
        "parallel · detailed": [0, 1, 2, 3],
    }
    assert [m.x[0] for m in ttft_markers(fig)] == [10.0, 20.0]


def test_arrival_figure_when_ttft_given_then_it_overrides_the_measured_one():
    runs = [chunk_frame("streaming", [50.0, 70.0], ["a", "b"]), chunk_frame("invoke", [400.0], ["ab"])]

    fig = arrival_figure(runs, {"streaming": 42.0, "invoke": None})

    assert [(m.name, m.x[0]) for m in ttft_markers(fig)] == [("TTFT · streaming", 42.0)]


def test_arrival_figure_when_frame_uses_label_and_only_cum_chars_then_still_plots():
    runs = pd.DataFrame({"label": ["a", "a", "a"], "t_ms": [1.0, 2.0, 3.0], "cum_chars": [0, 3, 5]})

    fig = arrival_figure(runs)

    assert [list(line.y) for line in lines(fig)] == [[0, 0, 3, 5]]
    assert [m.x[0] for m in ttft_markers(fig)] == [2.0]


def test_arrival_figure_when_recorder_frame_then_one_line_per_run():
    from streamlab.measure.recorder import StreamRecorder

    model = GenericFakeChatModel(messages=iter([AIMessage(content="chunks arrive early")]))
    recorder = StreamRecorder("streaming")
    text = "".join(chunk.text for chunk in recorder.wrap(model.stream("hi")))

    fig = arrival_figure(recorder.to_dataframe())

    assert [line.name for line in lines(fig)] == ["streaming"]
    assert lines(fig)[0].y[-1] == len(text)
    assert len(ttft_markers(fig)) == 1


@pytest.mark.parametrize(
    "given, expected",
    [
        (pd.DataFrame({"run": ["a", "b"]}), ["a", "b"]),
        (pd.DataFrame({"run": ["a", "b"], "branch": [None, "x"]}), ["a", "b · x"]),
        (pd.DataFrame({"label": ["a"], "branch": ["x"]}), ["a · x"]),
    ],
)
def test_line_keys(given, expected):
    assert line_keys(given).tolist() == expected


# --- gaps ---------------------------------------------------------------------------------------


def test_gap_histogram_figure_when_gaps_by_label_then_one_histogram_each_with_percentiles():
    fig = gap_histogram_figure({"streaming": [10.0, 12.0, 14.0, 100.0], "invoke": [1.0, 2.0]})

    assert [trace.type for trace in fig.data] == ["histogram", "histogram"]
    assert fig.data[0].name.startswith("streaming (p50 13.0 ms")
    assert list(fig.data[0].x) == [10.0, 12.0, 14.0, 100.0]
    assert fig.layout.barmode == "overlay"


def test_gap_histogram_figure_when_recorder_frame_then_gaps_between_non_empty_chunks_per_line():
    runs = pd.concat([
        chunk_frame("s", [5.0, 20.0, 30.0, 50.0, 55.0], ["", "a", "b", "c", ""]),
        chunk_frame("p", [10.0, 40.0], ["x", "y"], branch="short"),
    ])  # fmt: skip

    fig = gap_histogram_figure(runs)

    assert {trace.name.split(" (")[0]: list(trace.x) for trace in fig.data} == {
        "s": [10.0, 20.0],
        "p · short": [30.0],
    }


# --- empty input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "build",
    [
        lambda: event_timeline_figure(to_spans([]), to_dataframe([])),
        lambda: arrival_figure(pd.DataFrame()),
        lambda: arrival_figure([]),
        lambda: gap_histogram_figure({}),
        lambda: gap_histogram_figure({"only one chunk": []}),
        lambda: gap_histogram_figure(pd.DataFrame()),
    ],
)
def test_figures_when_input_is_empty_then_an_explanatory_annotation(build):
    fig = build()

    assert len(fig.data) == 0
    (text,) = annotation_texts(fig)
    assert len(text) > 20
