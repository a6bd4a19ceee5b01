"""When the text arrives: one step line per run or branch, each with its TTFT marked."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest
from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from components.figures.arrival import arrival_figure, free_row, label_extent, line_keys, ttft_label
from components.figures.theme import PALETTE
from streamlab.measure.recorder import StreamRecorder


def lines(fig: go.Figure) -> list[go.Scatter]:
    return [trace for trace in fig.data if trace.mode == "lines"]


def ttft_markers(fig: go.Figure) -> list[go.Scatter]:
    return [trace for trace in fig.data if trace.mode == "markers" and trace.name.startswith("TTFT")]


def chunk_frame(label: str, times: list[float], texts: list[str], branch: str | None = None):
    """Rows shaped like StreamRecorder.to_dataframe() (run, index, t_ms, branch, text, chars, ...)."""
    frame = pd.DataFrame({"run": label, "index": range(len(texts)), "t_ms": times, "text": texts})
    chars = frame["text"].str.len()
    return frame.assign(branch=branch, chars=chars, cum_chars=chars.cumsum())


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
def test_line_keys_when_a_branch_is_set_then_it_joins_the_label(given, expected):
    assert line_keys(given).tolist() == expected


def test_arrival_figure_when_colours_pinned_then_line_and_ttft_marks_use_them():
    runs = [chunk_frame("a", [10.0], ["x"]), chunk_frame("b", [20.0], ["y"])]

    fig = arrival_figure(runs, colors={"b": PALETTE[3]})

    assert [line.line.color for line in lines(fig)] == [PALETTE[0], PALETTE[3]]
    assert [m.marker.color for m in ttft_markers(fig)] == [PALETTE[0], PALETTE[3]]
    assert [shape.line.color for shape in fig.layout.shapes] == [PALETTE[0], PALETTE[3]]


@pytest.mark.parametrize("given", [pd.DataFrame(), []], ids=["empty frame", "no frames"])
def test_arrival_figure_when_nothing_streamed_then_an_explanatory_annotation(given):
    fig = arrival_figure(given)

    assert len(fig.data) == 0
    (annotation,) = fig.layout.annotations
    assert "Nothing streamed yet" in annotation.text


def test_arrival_figure_when_ttfts_are_close_then_labels_take_rows_and_late_ones_sit_left():
    runs = [
        chunk_frame("stream", [100.0, 900.0], ["a", "b"]),
        chunk_frame("branch", [102.0], ["c"]),
        chunk_frame("invoke", [1000.0], ["ab"]),
    ]

    fig = arrival_figure(runs)

    assert [(a.text, a.xanchor, round(a.y, 2)) for a in fig.layout.annotations] == [
        ("TTFT 100 ms", "left", 1.0),
        ("TTFT 102 ms", "left", 0.93),  # 2 ms apart: the labels must not overprint
        ("TTFT 1000 ms", "right", 1.0),  # far from the others: top row; right-anchored to stay inside
    ]


@pytest.mark.parametrize(
    "ttfts, rows",
    [
        ([100.0, 300.0, 500.0], [0, 1, 0]),  # the third clears the first: back to the top row
        ([100.0, 102.0, 104.0], [0, 1, 2]),
        ([100.0, 1400.0], [0, 0]),
    ],
)
def test_free_row_when_labels_would_touch_then_the_next_one_takes_the_first_free_row(ttfts, rows):
    taken: list[list[tuple[float, float]]] = []
    got = [free_row(label_extent(ttft_label(t), t, 1500.0, left=False), taken) for t in ttfts]
    assert got == rows


def _overlaps(fig: go.Figure, span: float) -> list[tuple[str, str]]:
    placed = [
        (a.text, round(a.y, 3), label_extent(a.text, a.x, span, left=a.xanchor == "right"))
        for a in fig.layout.annotations
    ]
    return [
        (first, second)
        for i, (first, y1, (s1, e1)) in enumerate(placed)
        for second, y2, (s2, e2) in placed[i + 1 :]
        if y1 == y2 and s1 < e2 and s2 < e1
    ]


def _run(label: str, ttft: float, end: float, branch: str | None = None) -> pd.DataFrame:
    return chunk_frame(label, [ttft, end], ["a", "b"], branch=branch)


SEQUENCE = [  # the lesson's default variants: two stream at once, three wait for the model
    _run("seed chain (ends in the LLM)", 150.0, 1500.0),
    _run("+ plain function", 1502.0, 1503.0),
    _run("+ RunnableLambda(generator)", 1504.0, 1510.0),
    _run("+ RunnableGenerator", 155.0, 1505.0),
    _run("+ plain function + StrOutputParser()", 1506.0, 1507.0),
    _run("slow plain step before the LLM", 450.0, 1800.0),
]
PARALLEL = [  # both branches at once, then the one-after-the-other baseline
    _run("parallel", 150.0, 1200.0, "short"),
    _run("parallel", 600.0, 4000.0, "detailed"),
    _run("one after the other", 152.0, 1210.0, "short"),
    _run("one after the other", 1810.0, 5200.0, "detailed"),
]


@pytest.mark.parametrize("runs", [SEQUENCE, PARALLEL], ids=["sequence", "parallel"])
def test_arrival_figure_when_many_ttfts_then_no_two_labels_overlap(runs):
    fig = arrival_figure(runs)
    span = max(float(run["t_ms"].max()) for run in runs)
    assert len(fig.layout.annotations) == len(runs)
    assert _overlaps(fig, span) == []
