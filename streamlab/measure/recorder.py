"""Timestamp every chunk of a stream while passing it on untouched.

A page renders and measures in one pass: `StreamRecorder.wrap()` sits between
`chain.stream()` and the UI, stamps each chunk *before* the UI sees it (so slow rendering
does not distort the numbers) and later exports rows, a summary, JSON or CSV.
"""

from __future__ import annotations

import json
import time
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Iterable,
    Iterator,
)
from pathlib import Path
from typing import Any, TypedDict, TypeVar

import pandas as pd
from langchain_core.documents import Document
from langchain_core.messages import BaseMessage

from streamlab.measure.metrics import (
    ROW_COLUMNS,
    ChunkRecord,
    ChunkRow,
    StreamMetrics,
    compute_branch_metrics,
    compute_metrics,
    to_rows,
)

__all__ = ["ErrorInfo", "RunSummary", "StreamRecorder", "chunk_text"]

T = TypeVar("T")


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
    per key. Chunks are held by reference until `chunks`/`summary()`/`rows()` extract their
    text, so don't mutate them in place.
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
        self._pending: list[tuple[int, object]] = []  # (t_ns, raw chunk) not yet turned into records
        self._claimed = False
        self.start_ns: int | None = None
        self.end_ns: int | None = None
        self.complete = False
        self.error: ErrorInfo | None = None

    @property
    def chunks(self) -> tuple[ChunkRecord, ...]:
        """Records so far (also mid-stream); a parallel dict gives one record per key."""
        # Text extraction happens here, not in the loop, to keep the per-chunk cost to a
        # clock read and an append. Slicing then deleting exactly n items stays correct
        # even if the stream appends meanwhile.
        n = len(self._pending)
        pending = self._pending[:n]
        del self._pending[:n]
        for t_ns, chunk in pending:
            self._record(chunk, t_ns)
        return tuple(self._chunks)

    def start(self) -> None:
        """Start the clock now (only the first call counts)."""
        if self.start_ns is None:
            self.start_ns = self._clock()

    def wrap(self, source: Iterable[T] | Callable[[], Iterable[T]]) -> Generator[T, None, None]:
        """Yield `source`'s chunks unchanged while recording them; re-raises stream errors."""
        self._claim()
        return self._iterate(source)

    def awrap(
        self, source: AsyncIterable[T] | Callable[[], AsyncIterable[T]]
    ) -> AsyncGenerator[T, None]:
        """Async twin of `wrap()`, for `chain.astream(x)`."""
        self._claim()
        return self._aiterate(source)

    def record(self, chunk: object, t_ns: int | None = None) -> None:
        """Record one chunk that arrived now (or at `t_ns`, read on arrival with this recorder's
        clock): for a stream read through callbacks rather than one iterator, such as an agent's
        answer tokens picked out of its other parts. Set `start_ns` first to give it an origin."""
        self._pending.append((self._clock() if t_ns is None else t_ns, chunk))

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
        chunks = self.chunks
        overall = compute_metrics(chunks, start, self.end_ns, stall_factor=self._stall_factor)
        return RunSummary(
            **overall,
            label=self.label,
            complete=self.complete,
            error=self.error,
            branches=compute_branch_metrics(chunks, start, stall_factor=self._stall_factor),
        )

    def rows(self) -> list[ChunkRow]:
        """One row per recorded chunk (see `metrics.to_rows`)."""
        return to_rows(self.chunks, self.start_ns if self.start_ns is not None else 0, self.label)

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

    def _iterate(self, source: Iterable[T] | Callable[[], Iterable[T]]) -> Generator[T, None, None]:
        stream: Iterator[T] | None = None
        try:
            self.start()
            stream = iter(source if isinstance(source, Iterable) else source())
            append, clock = self._pending.append, self._clock  # hot loop: skip attribute lookups
            for chunk in stream:
                append((clock(), chunk))  # stamped before the consumer's UI work sees it
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
    ) -> AsyncGenerator[T, None]:
        stream: AsyncIterator[T] | None = None
        try:
            self.start()
            stream = aiter(source if isinstance(source, AsyncIterable) else source())
            append, clock = self._pending.append, self._clock
            async for chunk in stream:
                append((clock(), chunk))
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
        self._pending.append((self.end_ns, result))
        self.complete = True

    def _fail(self, exc: Exception) -> None:
        self.error = ErrorInfo(type=type(exc).__name__, message=str(exc))
        self._stop()

    def _stop(self) -> None:
        if self.end_ns is None:
            self.end_ns = self._clock()
