"""Timestamp every chunk of a stream while passing it on untouched.

A page renders and measures in one pass: `StreamRecorder.wrap()` sits between
`chain.stream()` and the UI, stamps each chunk *before* the UI sees it (so slow rendering
does not distort the numbers) and later exports rows, a summary, JSON or CSV.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypedDict, TypeVar

import pandas as pd
from langchain_core.documents import Document
from langchain_core.messages import BaseMessage

from streamlab.metrics import ChunkRecord, StreamMetrics, compute_branch_metrics, compute_metrics

__all__ = ["ROW_COLUMNS", "ChunkRow", "ErrorInfo", "RunSummary", "StreamRecorder", "chunk_text"]

T = TypeVar("T")
ROW_COLUMNS = [
    "run", "index", "t_ms", "gap_ms", "branch", "text", "chars", "cum_chars", "cum_content_chunks",
]


class ErrorInfo(TypedDict):
    """What a stream raised; the exception itself is re-raised, not stored."""

    type: str
    """Exception class name, e.g. "ValueError"."""
    message: str
    """str(exception)."""


class RunSummary(StreamMetrics):
    """Overall metrics of one recorded run, plus what a page needs to label it."""

    label: str
    """The recorder's label, e.g. "streaming" or "invoke"."""
    complete: bool
    """False if the stream raised or the consumer stopped before the end."""
    error: ErrorInfo | None
    """Set when the stream raised."""
    branches: dict[str, StreamMetrics]
    """Per-branch metrics for RunnableParallel streams; {} otherwise."""


class ChunkRow(TypedDict):
    """One recorded chunk, as a dataframe / JSON / CSV row."""

    run: str
    """The recorder's label, so rows of several runs can be concatenated."""
    index: int
    """Arrival order, from 0."""
    t_ms: float
    """Milliseconds since the request start."""
    gap_ms: float | None
    """Milliseconds since the previous chunk of the same branch; None for its first chunk."""
    branch: str | None
    """RunnableParallel key; None for a plain stream."""
    text: str
    """The chunk's text (see `chunk_text`)."""
    chars: int
    """len(text)."""
    cum_chars: int
    """Characters so far in this branch (the whole run for a plain stream)."""
    cum_content_chunks: int
    """Non-empty chunks so far in this branch."""


def chunk_text(chunk: object) -> str:
    """The text a learner would see for one streamed chunk."""
    if isinstance(chunk, BaseMessage):
        return chunk.text  # joins text blocks when content is a list
    if isinstance(chunk, str):
        return str(chunk)  # drops StrOutputParser's str subclass
    if isinstance(chunk, list) and chunk and all(isinstance(d, Document) for d in chunk):
        return _documents_text(chunk)
    if isinstance(chunk, dict | list):
        return json.dumps(chunk, ensure_ascii=False, default=str)
    return str(chunk)


def _documents_text(docs: list[Document], limit: int = 3, width: int = 40) -> str:
    # A retriever yields its whole result as one chunk; the full page_content would swamp a table.
    shown = "; ".join(_truncate(d.page_content, width) for d in docs[:limit])
    more = "; …" if len(docs) > limit else ""
    return f"{len(docs)} documents: {shown}{more}"


def _truncate(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _to_record(chunk: object, t_ns: int, branch: str | None) -> ChunkRecord:
    usage = getattr(chunk, "usage_metadata", None)
    tokens = usage.get("output_tokens") if usage else None
    return ChunkRecord(t_ns, chunk_text(chunk), branch, tokens)


class StreamRecorder:
    """Records one run: a sync or async stream, or a single `invoke` for comparison.

    The clock starts at the first iteration of `wrap()`/`awrap()`, which for LangChain's lazy
    `.stream()` generators is when the request is sent. To include setup in TTFT, call
    `start()` earlier, or pass a factory (`rec.wrap(lambda: chain.stream(x))`).

    `branches`: None detects RunnableParallel chunks (dicts of messages); True also splits
    dicts of strings (parallel branches ending in StrOutputParser); False never splits,
    so a JsonOutputParser dict stays one chunk. A dict with several keys becomes one record
    per key.
    """

    def __init__(
        self,
        label: str = "stream",
        *,
        clock: Callable[[], int] = time.perf_counter_ns,
        branches: bool | None = None,
        stall_factor: float = 3.0,
    ) -> None:
        self.label = label
        self._clock = clock
        self._branches = branches
        self._stall_factor = stall_factor
        self._chunks: list[ChunkRecord] = []
        self._claimed = False
        self.start_ns: int | None = None
        self.end_ns: int | None = None
        self.complete = False
        self.error: ErrorInfo | None = None

    @property
    def chunks(self) -> tuple[ChunkRecord, ...]:
        return tuple(self._chunks)

    def start(self) -> None:
        """Start the clock now (only the first call counts)."""
        if self.start_ns is None:
            self.start_ns = self._clock()

    def wrap(self, source: Iterable[T] | Callable[[], Iterable[T]]) -> Iterator[T]:
        """Yield `source`'s chunks unchanged while recording them; re-raises stream errors."""
        self._claim()
        return self._iterate(source)

    def awrap(
        self, source: AsyncIterable[T] | Callable[[], AsyncIterable[T]]
    ) -> AsyncIterator[T]:
        """Async twin of `wrap()`, for `chain.astream(x)`."""
        self._claim()
        return self._aiterate(source)

    def record_invoke(self, fn: Callable[[], T]) -> T:
        """Time `fn()` (e.g. `lambda: chain.invoke(x)`) as a stream of one chunk at the end."""
        self._claim()
        self.start()
        try:
            result = fn()
        except Exception as exc:
            self._fail(exc)
            raise
        self._finish_invoke(result)
        return result

    async def arecord_invoke(self, fn: Callable[[], Awaitable[T]]) -> T:
        """Async twin of `record_invoke()`, e.g. `lambda: chain.ainvoke(x)`."""
        self._claim()
        self.start()
        try:
            result = await fn()
        except Exception as exc:
            self._fail(exc)
            raise
        self._finish_invoke(result)
        return result

    def summary(self) -> RunSummary:
        """Overall metrics plus per-branch metrics; usable mid-stream (total_ms is then None)."""
        start = self.start_ns if self.start_ns is not None else 0
        overall = compute_metrics(self._chunks, start, self.end_ns, stall_factor=self._stall_factor)
        return RunSummary(
            **overall,
            label=self.label,
            complete=self.complete,
            error=self.error,
            branches=compute_branch_metrics(self._chunks, start, stall_factor=self._stall_factor),
        )

    def rows(self) -> list[ChunkRow]:
        """One row per recorded chunk; gaps and running totals are per branch."""
        start = self.start_ns if self.start_ns is not None else 0
        last_ns: dict[str | None, int] = {}
        chars: dict[str | None, int] = {}
        content: dict[str | None, int] = {}
        rows: list[ChunkRow] = []
        for i, c in enumerate(self._chunks):
            prev = last_ns.get(c.branch)
            last_ns[c.branch] = c.t_ns
            chars[c.branch] = chars.get(c.branch, 0) + len(c.text)
            content[c.branch] = content.get(c.branch, 0) + bool(c.text)
            rows.append(ChunkRow(
                run=self.label, index=i, t_ms=(c.t_ns - start) / 1e6,
                gap_ms=None if prev is None else (c.t_ns - prev) / 1e6,
                branch=c.branch, text=c.text, chars=len(c.text),
                cum_chars=chars[c.branch], cum_content_chunks=content[c.branch],
            ))
        return rows

    def to_dataframe(self) -> pd.DataFrame:
        """`rows()` as a DataFrame with ROW_COLUMNS (also when nothing was recorded)."""
        return pd.DataFrame(self.rows(), columns=ROW_COLUMNS)

    def to_json(self, path: str | Path | None = None) -> str:
        """{"summary": ..., "chunks": [...]} as JSON text; also written to `path` if given."""
        text = json.dumps(
            {"summary": self.summary(), "chunks": self.rows()}, ensure_ascii=False, allow_nan=False
        )
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def to_csv(self, path: str | Path | None = None) -> str:
        """One CSV line per chunk (header ROW_COLUMNS); also written to `path` if given."""
        text = self.to_dataframe().to_csv(index=False)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def _claim(self) -> None:
        # One recorder = one run: a second stream would mix two request starts in one timeline.
        if self._claimed:
            raise RuntimeError(f"StreamRecorder {self.label!r} already recorded a run; make a new one")
        self._claimed = True

    def _iterate(self, source: Iterable[T] | Callable[[], Iterable[T]]) -> Iterator[T]:
        stream: Iterable[T] | None = None
        try:
            self.start()
            stream = source if isinstance(source, Iterable) else source()
            for chunk in stream:
                self._record(chunk, self._clock())  # stamp before the consumer's UI work
                yield chunk
            self.complete = True
        except Exception as exc:
            self._fail(exc)
            raise
        finally:
            self._stop()
            # Closing the upstream generator is what stops generation when the consumer
            # stops early (a bare `break` otherwise leaves the request running).
            close = getattr(stream, "close", None)
            if close is not None:
                close()

    async def _aiterate(
        self, source: AsyncIterable[T] | Callable[[], AsyncIterable[T]]
    ) -> AsyncIterator[T]:
        stream: AsyncIterable[T] | None = None
        try:
            self.start()
            stream = source if isinstance(source, AsyncIterable) else source()
            async for chunk in stream:
                self._record(chunk, self._clock())
                yield chunk
            self.complete = True
        except Exception as exc:
            self._fail(exc)
            raise
        finally:
            self._stop()
            aclose = getattr(stream, "aclose", None)
            if aclose is not None:
                await aclose()

    def _record(self, chunk: Any, t_ns: int) -> None:
        if isinstance(chunk, dict) and self._is_parallel(chunk):
            for key, value in chunk.items():
                self._chunks.append(_to_record(value, t_ns, str(key)))
        else:
            self._chunks.append(_to_record(chunk, t_ns, None))

    def _is_parallel(self, chunk: dict[Any, Any]) -> bool:
        if self._branches is not None:
            return self._branches
        return bool(chunk) and all(isinstance(v, BaseMessage) for v in chunk.values())

    def _finish_invoke(self, result: object) -> None:
        # The only chunk arrives when invoke returns, so TTFT equals the total time.
        self.end_ns = self._clock()
        self._record(result, self.end_ns)
        self.complete = True

    def _fail(self, exc: Exception) -> None:
        self.error = ErrorInfo(type=type(exc).__name__, message=str(exc))
        self._stop()

    def _stop(self) -> None:
        if self.end_ns is None:
            self.end_ns = self._clock()
