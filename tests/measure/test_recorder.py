from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator, Iterator

import pandas as pd
import pytest
from langchain_core.documents import Document
from langchain_core.language_models import FakeListChatModel, GenericFakeChatModel
from langchain_core.language_models.fake_chat_models import FakeListChatModelError
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables import RunnableGenerator, RunnableParallel

from streamlab.measure.metrics import (
    ROW_COLUMNS,
    ChunkRecord,
    compute_branch_metrics,
    compute_metrics,
    percentile,
    to_rows,
)
from streamlab.measure.recorder import StreamRecorder, chunk_text

MS = 1_000_000


class FakeClock:
    """A clock the test moves by hand, so recorded times are exact."""

    def __init__(self) -> None:
        self.now = 0

    def __call__(self) -> int:
        return self.now

    def advance(self, ms: float) -> None:
        self.now += int(ms * MS)


def schedule(*points: tuple[float, str] | tuple[float, str, str | None]) -> list[ChunkRecord]:
    """(ms, text[, branch]) points → records, start assumed at 0."""
    return [ChunkRecord(int(p[0] * MS), p[1], p[2] if len(p) == 3 else None) for p in points]


def fake_model(text: str) -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=iter([text]))


def comparable(chunk: AIMessageChunk) -> tuple[str, object, object]:
    # Message ids embed the run id, so two runs only match on what a learner sees.
    return (type(chunk).__name__, chunk.content, chunk.chunk_position)


# --- pure metrics on synthetic schedules -------------------------------------------------


def test_compute_metrics_when_role_chunk_first_then_ttft_is_first_content():
    chunks = schedule((100, ""), (200, "He"), (210, "ll"), (220, "o"), (230, ","), (330, "!"), (340, ""))
    m = compute_metrics(chunks, start_ns=0, end_ns=400 * MS)
    assert m["ttft_ms"] == 200
    assert m["total_ms"] == 400
    assert (m["chunks"], m["content_chunks"]) == (7, 5)
    assert (m["output_tokens"], m["tokens_source"]) == (5, "chunks")
    assert m["output_speed_tps"] == pytest.approx(4 / 0.130)  # 5 tokens over 200 → 330 ms
    assert m["throughput_tps"] == pytest.approx(5 / 0.400)
    assert m["gap_p50_ms"] == pytest.approx(10)
    assert m["gap_p95_ms"] == pytest.approx(86.5)  # gaps 10,10,10,100: 10 + 0.85 × 90
    assert m["gap_max_ms"] == pytest.approx(100)
    assert m["stalls"] == 1


@pytest.mark.parametrize(
    "gaps_ms, expected_stalls",
    [
        ([10, 10, 10, 10], 0),
        ([10, 10, 30, 10], 0),  # exactly 3× the median is not a stall
        ([10, 10, 31, 10], 1),
        ([10, 50, 10, 80, 10], 2),
    ],
)
def test_compute_metrics_when_gap_exceeds_three_medians_then_counts_a_stall(gaps_ms, expected_stalls):
    t, points = 0.0, [(0.0, "x")]
    for gap in gaps_ms:
        t += gap
        points.append((t, "x"))
    assert compute_metrics(schedule(*points), 0, int(t * MS))["stalls"] == expected_stalls


def test_compute_metrics_when_stall_factor_lowered_then_more_stalls():
    chunks = schedule((0, "a"), (10, "b"), (20, "c"), (45, "d"))
    assert compute_metrics(chunks, 0, 45 * MS)["stalls"] == 0
    assert compute_metrics(chunks, 0, 45 * MS, stall_factor=2.0)["stalls"] == 1


def test_compute_metrics_when_no_chunks_then_everything_empty():
    m = compute_metrics([], start_ns=0, end_ns=50 * MS)
    assert m == {
        "ttft_ms": None,
        "total_ms": 50.0,
        "chunks": 0,
        "content_chunks": 0,
        "output_tokens": 0,
        "tokens_source": "chunks",
        "output_speed_tps": None,
        "throughput_tps": 0.0,
        "gap_p50_ms": None,
        "gap_p95_ms": None,
        "gap_max_ms": None,
        "stalls": 0,
    }


def test_compute_metrics_when_one_chunk_then_no_speed_and_no_gaps():
    m = compute_metrics(schedule((300, "whole answer")), 0, 300 * MS)
    assert m["ttft_ms"] == m["total_ms"] == 300
    assert m["output_speed_tps"] is None
    assert m["throughput_tps"] == pytest.approx(1 / 0.3)
    assert (m["gap_p50_ms"], m["gap_p95_ms"], m["gap_max_ms"], m["stalls"]) == (None, None, None, 0)


def test_compute_metrics_when_all_chunks_at_same_instant_then_speed_none_and_gaps_zero():
    m = compute_metrics(schedule((5, "a"), (5, "b"), (5, "c")), 0, 5 * MS)
    assert m["output_speed_tps"] is None
    assert (m["gap_p50_ms"], m["gap_p95_ms"], m["gap_max_ms"], m["stalls"]) == (0, 0, 0, 0)
    assert compute_metrics(schedule((0, "a"), (0, "b")), 0, 0)["throughput_tps"] is None


def test_compute_metrics_when_usage_reported_then_tokens_come_from_usage():
    chunks = [
        ChunkRecord(10 * MS, ""),
        ChunkRecord(20 * MS, "Hello"),
        ChunkRecord(40 * MS, " world"),
        ChunkRecord(41 * MS, "", output_tokens=9),
    ]
    m = compute_metrics(chunks, 0, 50 * MS)
    assert (m["output_tokens"], m["tokens_source"], m["content_chunks"]) == (9, "usage", 2)
    assert m["output_speed_tps"] == pytest.approx(8 / 0.020)
    assert m["throughput_tps"] == pytest.approx(9 / 0.050)


def test_compute_metrics_when_only_one_branch_reports_usage_then_falls_back_to_chunks():
    chunks = [
        ChunkRecord(10 * MS, "a", "x"),
        ChunkRecord(11 * MS, "", "x", output_tokens=7),
        ChunkRecord(12 * MS, "b", "y"),
    ]
    assert compute_metrics(chunks, 0, 20 * MS)["tokens_source"] == "chunks"
    branches = compute_branch_metrics(chunks, 0)
    assert (branches["x"]["output_tokens"], branches["x"]["tokens_source"]) == (7, "usage")
    assert (branches["y"]["output_tokens"], branches["y"]["tokens_source"]) == (1, "chunks")


def test_compute_branch_metrics_when_two_branches_then_each_has_its_own_schedule():
    chunks = schedule(
        (50, "a", "short"),
        (60, "b", "short"),
        (70, "c", "short"),
        (200, "x", "long"),
        (300, "y", "long"),
        (400, "z", "long"),
        (500, "w", "long"),
    )
    branches = compute_branch_metrics(chunks, 0)
    assert set(branches) == {"short", "long"}
    short, long_ = branches["short"], branches["long"]
    assert (short["ttft_ms"], short["total_ms"], short["content_chunks"]) == (50, 70, 3)
    assert (long_["ttft_ms"], long_["total_ms"], long_["content_chunks"]) == (200, 500, 4)
    assert short["gap_p50_ms"] == pytest.approx(10)
    assert long_["gap_p50_ms"] == pytest.approx(100)
    assert short["output_speed_tps"] == pytest.approx(2 / 0.020)
    assert long_["output_speed_tps"] == pytest.approx(3 / 0.300)


def test_compute_branch_metrics_when_plain_stream_then_empty():
    assert compute_branch_metrics(schedule((1, "a"), (2, "b")), 0) == {}


@pytest.mark.parametrize(
    "values, q, expected",
    [
        ([], 50, None),
        ([4.0], 95, 4.0),
        ([1, 2, 3, 4], 50, 2.5),
        ([1, 2, 3, 4, 5], 95, 4.8),
        ([7, 1], 0, 1),
    ],
)
def test_percentile_interpolates_linearly(values, q, expected):
    assert percentile(values, q) == (pytest.approx(expected) if expected is not None else None)


def test_to_rows_when_branches_interleave_then_gaps_and_totals_are_per_branch():
    chunks = schedule((10, "ab", "x"), (15, "c", "y"), (30, "", "x"), (40, "def", "x"), (45, "g", "y"))
    rows = to_rows(chunks, start_ns=5 * MS, run="par")
    keys = ("branch", "t_ms", "gap_ms", "cum_chars", "cum_content_chunks")
    assert [tuple(r[k] for k in keys) for r in rows] == [
        ("x", 5.0, None, 2, 1),
        ("y", 10.0, None, 1, 1),
        ("x", 25.0, 20.0, 2, 1),
        ("x", 35.0, 10.0, 5, 2),
        ("y", 40.0, 30.0, 2, 2),
    ]
    assert [r["index"] for r in rows] == [0, 1, 2, 3, 4]
    assert {r["run"] for r in rows} == {"par"}
    assert list(rows[0]) == ROW_COLUMNS


# --- text extraction ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "chunk, expected",
    [
        (AIMessageChunk(content="Hello"), "Hello"),
        (AIMessageChunk(content=""), ""),
        (AIMessageChunk(content=[{"type": "text", "text": "Hi"}, {"type": "text", "text": "!"}]), "Hi!"),
        (AIMessage(content="full answer"), "full answer"),
        ("plain", "plain"),
        ({"name": "Ada", "tags": ["math"]}, '{"name": "Ada", "tags": ["math"]}'),
        ([{"op": "add", "path": "/name"}], '[{"op": "add", "path": "/name"}]'),
        ([], "[]"),
        (42, "42"),
    ],
)
def test_chunk_text_when_given_chunk_type_then_returns_its_text(chunk, expected):
    assert chunk_text(chunk) == expected


def test_chunk_text_when_str_parser_chunk_then_plain_str():
    [chunk] = list(StrOutputParser().stream(AIMessage(content="tok")))
    text = chunk_text(chunk)
    assert (text, type(text)) == ("tok", str)


def test_chunk_text_when_documents_then_short_summary():
    docs = [Document(page_content=f"doc {i} " + "x" * 100) for i in range(5)]
    text = chunk_text(docs)
    assert text.startswith("5 documents: doc 0 xxx")
    assert text.endswith("; …")
    assert len(text) < 160


# --- recording a stream (fake clock) ------------------------------------------------------


def test_wrap_when_consumer_is_slow_then_timestamps_are_taken_before_consumer_work():
    clock = FakeClock()
    produced_at: list[int] = []

    def source() -> Iterator[str]:
        for token in ["a", "b", "c"]:
            clock.advance(10)  # network time
            produced_at.append(clock.now)
            yield token

    rec = StreamRecorder(clock=clock)
    for _ in rec.wrap(source()):
        clock.advance(500)  # UI rendering after each chunk
    assert [c.t_ns for c in rec.chunks] == produced_at == [10 * MS, 520 * MS, 1030 * MS]
    assert rec.summary()["ttft_ms"] == 10


def test_wrap_when_iterable_then_clock_starts_at_first_iteration():
    clock = FakeClock()
    rec = StreamRecorder(clock=clock)
    stream = rec.wrap(iter(["a"]))
    clock.advance(40)  # e.g. the page draws a spinner before iterating
    assert rec.start_ns is None
    list(stream)
    assert rec.start_ns == 40 * MS


def test_wrap_when_factory_then_clock_starts_before_the_call():
    clock = FakeClock()

    def slow_setup() -> Iterator[str]:
        clock.advance(25)  # e.g. building the client eagerly
        return iter(["a"])

    rec = StreamRecorder(clock=clock)
    list(rec.wrap(slow_setup))
    assert (rec.start_ns, rec.summary()["ttft_ms"]) == (0, 25)


def test_start_when_called_early_then_wrap_keeps_that_start():
    clock = FakeClock()
    rec = StreamRecorder(clock=clock)
    rec.start()
    clock.advance(15)
    list(rec.wrap(iter(["a"])))
    assert rec.summary()["ttft_ms"] == 15


def test_summary_when_read_mid_stream_then_counts_chunks_so_far():
    clock = FakeClock()
    rec = StreamRecorder(clock=clock)
    seen = []
    for _ in rec.wrap(iter(["", "a", "b", "c"])):
        clock.advance(10)
        summary = rec.summary()
        seen.append((summary["chunks"], summary["content_chunks"], summary["total_ms"]))
    assert seen == [(1, 0, None), (2, 1, None), (3, 2, None), (4, 3, None)]
    assert rec.summary()["total_ms"] == 40
    assert [c.text for c in rec.chunks] == ["", "a", "b", "c"]


def test_wrap_when_source_raises_midway_then_keeps_chunks_records_error_and_reraises():
    clock = FakeClock()

    def source() -> Iterator[str]:
        yield "a"
        clock.advance(10)
        yield "b"
        clock.advance(5)
        raise ValueError("connection reset")

    rec = StreamRecorder(clock=clock)
    seen: list[str] = []
    with pytest.raises(ValueError, match="connection reset"):
        for chunk in rec.wrap(source()):
            seen.append(chunk)
    assert seen == [c.text for c in rec.chunks] == ["a", "b"]
    assert rec.complete is False
    assert rec.error == {"type": "ValueError", "message": "connection reset"}
    assert rec.end_ns == 15 * MS
    assert rec.summary()["total_ms"] == 15


def test_wrap_when_consumer_breaks_then_closes_upstream_and_marks_incomplete():
    closed: list[bool] = []

    def source() -> Iterator[str]:
        try:
            yield from ["a", "b", "c"]
        finally:
            closed.append(True)

    upstream = source()  # still referenced, so only an explicit close() ends it
    rec = StreamRecorder()
    for _ in rec.wrap(upstream):
        break
    assert closed == [True]
    assert (rec.complete, rec.error, len(rec.chunks)) == (False, None, 1)
    assert rec.end_ns is not None


def test_wrap_when_called_twice_then_refuses():
    rec = StreamRecorder(label="once")
    list(rec.wrap(iter(["a"])))
    with pytest.raises(RuntimeError, match="once"):
        rec.wrap(iter(["b"]))


def test_record_invoke_when_result_returned_then_one_chunk_at_the_end():
    clock = FakeClock()

    def invoke() -> AIMessage:
        clock.advance(800)
        return AIMessage(
            content="The whole answer",
            usage_metadata={"input_tokens": 4, "output_tokens": 3, "total_tokens": 7},
        )

    rec = StreamRecorder(label="invoke", clock=clock)
    result = rec.record_invoke(invoke)
    summary = rec.summary()
    assert result.content == "The whole answer"
    assert summary["ttft_ms"] == summary["total_ms"] == 800
    assert (summary["chunks"], summary["output_tokens"], summary["tokens_source"]) == (1, 3, "usage")
    assert summary["output_speed_tps"] is None
    assert rec.complete is True


def test_record_invoke_when_fn_raises_then_records_error_and_reraises():
    rec = StreamRecorder(clock=FakeClock())
    with pytest.raises(KeyError):
        rec.record_invoke(lambda: {}["missing"])
    assert (rec.complete, rec.error["type"], rec.chunks, rec.end_ns) == (False, "KeyError", (), 0)


# --- recording real LangChain streams -----------------------------------------------------


def test_wrap_when_chat_model_streams_then_chunks_pass_through_unchanged():
    bare = list(fake_model("the quick brown fox").stream("hi"))
    rec = StreamRecorder(label="streaming")
    recorded = list(rec.wrap(fake_model("the quick brown fox").stream("hi")))
    assert [comparable(c) for c in recorded] == [comparable(c) for c in bare]
    assert len(recorded) == 7
    assert [c.text for c in rec.chunks] == ["the", " ", "quick", " ", "brown", " ", "fox"]
    assert rec.complete is True


def test_wrap_yields_the_very_same_objects():
    chunks = [AIMessageChunk(content="a"), {"k": 1}, "s"]
    assert all(a is b for a, b in zip(StreamRecorder().wrap(iter(chunks)), chunks, strict=True))


def test_to_dataframe_when_stream_recorded_then_one_row_per_chunk():
    rec = StreamRecorder(label="streaming")
    n = sum(1 for _ in rec.wrap(fake_model("one two three").stream("hi")))
    df = rec.to_dataframe()
    assert list(df.columns) == ROW_COLUMNS
    assert len(df) == n == 5
    assert df["index"].tolist() == [0, 1, 2, 3, 4]
    assert (df["run"] == "streaming").all()
    assert df["branch"].isna().all()
    assert df["cum_chars"].tolist() == [3, 4, 7, 8, 13]
    assert df["cum_content_chunks"].tolist() == [1, 2, 3, 4, 5]
    assert df["t_ms"].is_monotonic_increasing
    assert pd.isna(df["gap_ms"].iloc[0])
    assert df["gap_ms"].iloc[1:].ge(0).all()


def test_to_dataframe_when_nothing_recorded_then_empty_with_columns():
    df = StreamRecorder().to_dataframe()
    assert (len(df), list(df.columns)) == (0, ROW_COLUMNS)


def test_wrap_when_parallel_stream_then_records_branch_keys_and_branch_metrics():
    chain = RunnableParallel(short=fake_model("a b"), long=fake_model("f g h i"))
    rec = StreamRecorder(label="parallel")
    recorded = list(rec.wrap(chain.stream("hi")))
    assert all(isinstance(c, dict) and len(c) == 1 for c in recorded)
    df = rec.to_dataframe()
    assert len(df) == len(recorded) == 10
    assert set(df["branch"]) == {"short", "long"}
    summary = rec.summary()
    assert (summary["chunks"], summary["output_tokens"]) == (10, 10)
    assert summary["branches"]["short"]["content_chunks"] == 3
    assert summary["branches"]["long"]["content_chunks"] == 7
    assert df.groupby("branch")["cum_chars"].max().to_dict() == {"short": 3, "long": 7}


def test_wrap_when_parallel_of_strings_then_branches_true_splits_them():
    def chain() -> RunnableParallel:
        return RunnableParallel(a=fake_model("x y") | StrOutputParser())

    auto, forced = StreamRecorder(), StreamRecorder(branches=True)
    list(auto.wrap(chain().stream("hi")))
    list(forced.wrap(chain().stream("hi")))
    assert [c.branch for c in auto.chunks] == [None, None, None]  # could be a JsonOutputParser dict
    assert [c.text for c in auto.chunks] == ['{"a": "x"}', '{"a": " "}', '{"a": "y"}']
    assert [(c.branch, c.text) for c in forced.chunks] == [("a", "x"), ("a", " "), ("a", "y")]


def test_wrap_when_json_dict_chunks_then_never_split_into_branches():
    rec = StreamRecorder()
    list(rec.wrap(iter([{}, {"name": "Ada"}])))
    assert [(c.branch, c.text) for c in rec.chunks] == [(None, "{}"), (None, '{"name": "Ada"}')]


def openai_like_stream(_: object) -> Iterator[AIMessageChunk]:
    """Role chunk, content, finish chunk, usage chunk: the shape ChatOpenAI(stream_usage=True) yields."""
    yield AIMessageChunk(content="")
    yield AIMessageChunk(content="Hel")
    yield AIMessageChunk(content="lo")
    yield AIMessageChunk(content="", response_metadata={"finish_reason": "stop"})
    usage = {"input_tokens": 5, "output_tokens": 2, "total_tokens": 7}
    yield AIMessageChunk(content="", usage_metadata=usage)


def test_wrap_when_usage_metadata_streamed_then_tokens_come_from_usage():
    rec = StreamRecorder()
    list(rec.wrap(RunnableGenerator(openai_like_stream).stream(None)))
    summary = rec.summary()
    assert (summary["chunks"], summary["content_chunks"]) == (5, 2)
    assert (summary["output_tokens"], summary["tokens_source"]) == (2, "usage")


def test_wrap_when_model_errors_midway_then_keeps_partial_chunks():
    model = FakeListChatModel(responses=["abcdef"], error_on_chunk_number=3)
    rec = StreamRecorder()
    with pytest.raises(FakeListChatModelError):
        for _ in rec.wrap(model.stream("hi")):
            pass
    assert [c.text for c in rec.chunks] == ["a", "b", "c"]
    assert (rec.complete, rec.error["type"]) == (False, "FakeListChatModelError")
    assert len(rec.to_dataframe()) == 3


def test_wrap_when_model_sleeps_between_chunks_then_gaps_reflect_it():
    model = FakeListChatModel(responses=["abcd"], sleep=0.02)
    rec = StreamRecorder()
    list(rec.wrap(model.stream("hi")))
    summary = rec.summary()
    # Only lower bounds: sleep guarantees them, a busy machine can only add time.
    assert summary["ttft_ms"] >= 19
    assert summary["gap_p50_ms"] >= 19
    assert summary["total_ms"] >= 79
    assert summary["output_speed_tps"] <= 3 / 0.059


async def test_awrap_when_astream_then_same_chunks_and_records():
    bare = [comparable(c) async for c in fake_model("async is fine").astream("hi")]
    rec = StreamRecorder(label="astream")
    recorded = [comparable(c) async for c in rec.awrap(fake_model("async is fine").astream("hi"))]
    assert recorded == bare
    assert [c.text for c in rec.chunks] == ["async", " ", "is", " ", "fine"]
    assert (rec.complete, rec.summary()["content_chunks"]) == (True, 5)


async def test_awrap_when_parallel_astream_then_branch_keys_recorded():
    chain = RunnableParallel(short=fake_model("a b"), long=fake_model("c d e"))
    rec = StreamRecorder()
    _ = [c async for c in rec.awrap(lambda: chain.astream("hi"))]
    assert set(rec.summary()["branches"]) == {"short", "long"}
    assert len(rec.chunks) == 8


async def test_awrap_when_source_raises_then_records_error_and_reraises():
    async def source() -> AsyncIterator[str]:
        yield "a"
        await asyncio.sleep(0)
        raise TimeoutError("upstream timed out")

    rec = StreamRecorder()
    with pytest.raises(TimeoutError):
        _ = [c async for c in rec.awrap(source())]
    assert [c.text for c in rec.chunks] == ["a"]
    assert rec.error == {"type": "TimeoutError", "message": "upstream timed out"}
    assert rec.complete is False


async def test_awrap_when_consumer_stops_then_upstream_closed_and_incomplete():
    closed: list[bool] = []

    async def source() -> AsyncIterator[str]:
        try:
            for token in ["a", "b", "c"]:
                yield token
        finally:
            closed.append(True)

    upstream = source()
    rec = StreamRecorder()
    wrapped = rec.awrap(upstream)
    async for _ in wrapped:
        break
    await wrapped.aclose()
    assert closed == [True]
    assert (rec.complete, rec.error, [c.text for c in rec.chunks]) == (False, None, ["a"])


def test_record_invoke_when_parallel_result_then_one_record_per_branch():
    chain = RunnableParallel(short=fake_model("a b"), long=fake_model("c d e"))
    rec = StreamRecorder(label="invoke")
    result = rec.record_invoke(lambda: chain.invoke("hi"))
    assert set(result) == {"short", "long"}
    assert sorted((c.branch, c.text) for c in rec.chunks) == [("long", "c d e"), ("short", "a b")]
    assert rec.summary()["branches"]["long"]["content_chunks"] == 1


async def test_arecord_invoke_when_ainvoke_then_one_chunk():
    rec = StreamRecorder(label="ainvoke")
    result = await rec.arecord_invoke(lambda: fake_model("all at once").ainvoke("hi"))
    assert result.content == "all at once"
    assert [c.text for c in rec.chunks] == ["all at once"]
    assert rec.summary()["ttft_ms"] == rec.summary()["total_ms"]


# --- exports ------------------------------------------------------------------------------


def test_to_json_when_parallel_run_then_loads_back_with_summary_and_chunks(tmp_path):
    rec = StreamRecorder(label="parallel")
    list(rec.wrap(RunnableParallel(x=fake_model("a b"), y=fake_model("c")).stream("hi")))
    path = tmp_path / "run.json"
    data = json.loads(rec.to_json(path))
    assert data == json.loads(path.read_text(encoding="utf-8"))
    assert data["summary"]["label"] == "parallel"
    assert set(data["summary"]["branches"]) == {"x", "y"}
    assert [row["branch"] for row in data["chunks"]].count("x") == 3
    assert len(data["chunks"]) == 4
    assert data["chunks"][0]["gap_ms"] is None


def test_to_json_when_stream_failed_then_error_is_serialised():
    rec = StreamRecorder(clock=FakeClock())

    def source() -> Iterator[str]:
        yield "a"
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        list(rec.wrap(source()))
    summary = json.loads(rec.to_json())["summary"]
    assert summary["complete"] is False
    assert summary["error"] == {"type": "RuntimeError", "message": "boom"}
    assert summary["output_speed_tps"] is None


def test_to_csv_when_text_has_commas_and_newlines_then_one_row_per_chunk(tmp_path):
    rec = StreamRecorder(label="csv")
    list(rec.wrap(iter(["Hello, world", "\n", "line two"])))
    text = rec.to_csv(tmp_path / "run.csv")
    df = pd.read_csv(io.StringIO(text), keep_default_na=False)
    assert len(df) == 3
    assert df["text"].tolist() == ["Hello, world", "\n", "line two"]
    assert (tmp_path / "run.csv").read_text(encoding="utf-8") == text


def test_record_when_chunks_come_through_a_callback_then_rows_are_timed_from_the_set_origin():
    ticks = iter([5_000_000, 9_000_000])
    recorder = StreamRecorder(label="answer", clock=lambda: next(ticks))
    recorder.start_ns = 1_000_000  # the run began before the first chunk was picked out
    recorder.record("Hi", 3_000_000)
    recorder.record(" you")  # stamped now: 5 ms
    frame = recorder.to_dataframe()
    assert frame[["t_ms", "text"]].to_dict("list") == {"t_ms": [2.0, 4.0], "text": ["Hi", " you"]}
