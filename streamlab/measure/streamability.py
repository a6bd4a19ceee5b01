"""Measure whether a runnable really streams: chunk count, arrival times and a verdict.

"Does X stream?" is a question about *when* text arrives, not about how many chunks there are:
a `RunnableLambda` around a generator yields many chunks, but only after the model has finished.
So the verdict looks at the spread of the content chunks over the run, and the run also notes
when the chat model inside finished, to show which output waited for it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.runnables import Runnable, RunnableConfig

from streamlab.measure.recorder import StreamRecorder

__all__ = [
    "MIN_SPREAD_MS",
    "MIN_SPREAD_SHARE",
    "VERDICT_LABELS",
    "LlmClock",
    "MeasuredRun",
    "Measurement",
    "Verdict",
    "judge",
    "measure",
    "to_table",
]

Verdict = Literal["streams", "partial", "doesn't"]
VERDICT_LABELS: dict[Verdict, str] = {
    "streams": "streams",
    "partial": "partial: several chunks, all at the end",
    "doesn't": "doesn't stream: one chunk",
}
# "Well before the last": the content chunks must be spread over at least this share of the run
# (from request start to the last content chunk) and this many milliseconds. A burst of chunks
# produced after the model finished spans microseconds; a real stream spans the generation time.
MIN_SPREAD_SHARE = 0.2
MIN_SPREAD_MS = 5.0
PREVIEW_CHUNKS = 3
PREVIEW_CHARS = 40


def judge(content_ms: Sequence[float]) -> Verdict:
    """Verdict from the arrival times (ms since start) of the chunks that carry text."""
    if len(content_ms) < 2:
        return "doesn't"
    first, last = min(content_ms), max(content_ms)
    spread = last - first
    if spread >= MIN_SPREAD_MS and spread >= MIN_SPREAD_SHARE * last:
        return "streams"
    return "partial"


class LlmClock(BaseCallbackHandler):
    """Notes when the (first) model inside a run started and when the last one finished."""

    def __init__(self, clock: Callable[[], int] = time.perf_counter_ns) -> None:
        self._clock = clock
        self.start_ns: int | None = None
        self.end_ns: int | None = None

    def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
        self._started()

    def on_llm_start(self, serialized: Any, prompts: Any, **kwargs: Any) -> None:
        self._started()

    def on_llm_end(self, response: Any, **kwargs: Any) -> None:
        self.end_ns = self._clock()

    def _started(self) -> None:
        if self.start_ns is None:
            self.start_ns = self._clock()


@dataclass(frozen=True, slots=True, eq=False)
class Measurement:
    label: str
    chunks: int  # everything `.stream()` yielded, empty chunks included
    content_chunks: int  # chunks with non-empty text
    ttft_ms: float | None  # request start → first chunk with text
    last_ms: float | None  # request start → last chunk with text
    total_ms: float | None  # request start → end of the stream
    llm_end_ms: float | None  # request start → the chat model inside finished (None: no model)
    verdict: Verdict
    previews: tuple[str, ...]  # the first few content chunks' text, shortened
    frame: pd.DataFrame = field(repr=False)  # the recorder's rows, for arrival charts
    error: str | None = None

    @property
    def waited_for_llm(self) -> bool:
        """True when the first text only arrived after the model had finished."""
        if self.ttft_ms is None or self.llm_end_ms is None:
            return False
        return self.ttft_ms >= self.llm_end_ms


class MeasuredRun:
    """One measured `.stream()` run: iterate `stream()` (e.g. to render it), then call `result()`."""

    def __init__(self, label: str, *, branches: bool | None = None) -> None:
        self.recorder = StreamRecorder(label, branches=branches)
        self.llm_clock = LlmClock()

    def stream(self, runnable: Runnable[Any, Any], input: Any) -> Iterator[Any]:
        config: RunnableConfig = {"callbacks": [self.llm_clock]}
        return self.recorder.wrap(lambda: runnable.stream(input, config=config))

    def result(self) -> Measurement:
        recorder, summary = self.recorder, self.recorder.summary()
        frame = recorder.to_dataframe()
        content = frame.loc[frame["chars"] > 0, "t_ms"].tolist()
        start = recorder.start_ns or 0
        llm_end = self.llm_clock.end_ns
        error = recorder.error
        return Measurement(
            label=recorder.label,
            chunks=summary["chunks"],
            content_chunks=summary["content_chunks"],
            ttft_ms=summary["ttft_ms"],
            last_ms=content[-1] if content else None,
            total_ms=summary["total_ms"],
            llm_end_ms=None if llm_end is None else (llm_end - start) / 1e6,
            verdict=judge(content),
            previews=tuple(_shorten(t) for t in frame.loc[frame["chars"] > 0, "text"][:PREVIEW_CHUNKS]),
            frame=frame,
            error=None if error is None else f"{error['type']}: {error['message']}",
        )


def measure(
    runnable: Runnable[Any, Any], input: Any, *, label: str = "stream", branches: bool | None = None
) -> Measurement:
    """Stream `runnable` on `input` to the end and measure it; a stream error ends up in `.error`."""
    run = MeasuredRun(label, branches=branches)
    try:
        for _ in run.stream(runnable, input):
            pass
    except Exception:  # the recorder keeps the error; the partial measurement is still useful
        pass
    return run.result()


def to_table(measurements: Iterable[Measurement]) -> pd.DataFrame:
    """One row per measurement: chunk counts, timings and the verdict, ready for st.dataframe."""
    rows = [
        {
            "run": m.label,
            "chunks": m.chunks,
            "with text": m.content_chunks,
            "first text (ms)": _round(m.ttft_ms),
            "last text (ms)": _round(m.last_ms),
            "LLM done (ms)": _round(m.llm_end_ms),
            "total (ms)": _round(m.total_ms),
            "verdict": VERDICT_LABELS[m.verdict] if m.error is None else f"error: {m.error}",
            "first chunks": " | ".join(m.previews),
        }
        for m in measurements
    ]
    return pd.DataFrame(rows)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _shorten(text: str) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…"
