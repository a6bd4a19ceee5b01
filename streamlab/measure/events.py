"""Stamp `astream_events` output with arrival times, then flatten it into rows and spans.

`astream_events` is the one API that shows every step of a chain while it runs, but its events
carry live objects (messages, prompt values, documents) and no clock. This module records when
each event arrived and turns the list into JSON-safe table rows and one timeline span per run.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import inspect
import json
import time
import uuid
import warnings
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypedDict

import pandas as pd
from langchain_core.documents import Document
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.prompt_values import PromptValue
from langchain_core.runnables import Runnable, RunnableBinding
from langchain_core.runnables.schema import StandardStreamEvent, StreamEvent

if TYPE_CHECKING:
    from collections.abc import Sequence

    from langchain_core.runnables import RunnableConfig

__all__ = [
    "ROW_COLUMNS",
    "SPAN_COLUMNS",
    "CapturedEvents",
    "EventRow",
    "TimedEvent",
    "capture_events",
    "capture_events_sync",
    "event_phase",
    "run_type",
    "supports_v3",
    "to_dataframe",
    "to_json",
    "to_rows",
    "to_spans",
]

Version = Literal["v1", "v2", "v3"]
Phase = Literal["start", "stream", "end", "other"]
PREVIEW_CHARS = 300  # huge intermediate outputs freeze the browser's event table (langserve #812)

ROW_COLUMNS = ["t_ms", "event", "phase", "name", "run_id", "parent_ids", "tags", "metadata_keys", "data"]
SPAN_COLUMNS = [
    "run_id", "parent_run_id", "name", "run_type", "start_ms", "end_ms", "depth",
    "n_stream_events", "first_stream_ms",
]  # fmt: skip

# v3 is a content-block protocol, not `on_*` callbacks: map its lifecycle onto the same phases.
_V3_PHASES: dict[str, Phase] = {
    "message-start": "start",
    "content-block-delta": "stream",
    "message-finish": "end",
}
_LAMBDA_NAMES = {"RunnableLambda"}  # a lambda keeps this name; a named function shows its own name
_FILTER_KEYS = (
    "include_names", "include_types", "include_tags", "exclude_names", "exclude_types", "exclude_tags",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class TimedEvent:
    t_ms: float  # ms since the capture started, read on arrival, before any UI callback runs
    event: StreamEvent  # untouched, except v3 protocol events, which sit in an envelope (see below)


@dataclass(frozen=True, slots=True)
class CapturedEvents:
    version: Version
    events: list[TimedEvent]
    warnings: list[str]  # e.g. the LangChainDeprecationWarning that v1 emits
    total_ms: float


OnEvent = Callable[[TimedEvent], object]  # may return an awaitable; it is awaited
EventsLike = CapturedEvents | Iterable[TimedEvent]


class EventRow(TypedDict):
    """One event flattened for a table or a JSON export: only str, float and lists of str."""

    t_ms: float
    """Milliseconds since the capture started."""
    event: str
    """Event name, e.g. `on_chat_model_stream` (v1/v2) or `content-block-delta` (v3)."""
    phase: Phase
    """Where the event sits in its run's life: start, stream, end or other."""
    name: str
    """Name of the runnable that emitted the event."""
    run_id: str
    """Id of the run; the same for all events of one run."""
    parent_ids: list[str]
    """Ancestor run ids, root first (empty in v1)."""
    tags: list[str]
    """Tags of the run, e.g. `seq:step:2`."""
    metadata_keys: list[str]
    """Keys of the run's metadata (values can be large or not JSON-safe)."""
    data: str
    """Short preview: chunk text for stream events, else the input (start) or output (end)."""


async def capture_events(
    runnable: Runnable[Any, Any],
    input: Any,
    *,
    version: Version = "v2",
    config: RunnableConfig | None = None,
    include_names: Sequence[str] | None = None,
    include_types: Sequence[str] | None = None,
    include_tags: Sequence[str] | None = None,
    exclude_names: Sequence[str] | None = None,
    exclude_types: Sequence[str] | None = None,
    exclude_tags: Sequence[str] | None = None,
    on_event: OnEvent | None = None,
) -> CapturedEvents:
    """Run `runnable.astream_events(input)` to the end and keep every event with its arrival time.

    `on_event` is called with each `TimedEvent` as it arrives, so a page can draw live. The clock
    is read before the callback; a slow callback still delays the events after it, so keep it cheap.
    v3 (beta, chat models only) yields protocol events; each is wrapped in a `StreamEvent`
    envelope (`event` = protocol event name, `data["chunk"]` = the protocol event).
    Warnings are recorded with `warnings.catch_warnings`, which is process-global: two captures
    running at the same time can see each other's warnings.
    """
    # An empty include list matches nothing in langchain-core, so pass [] on; drop only None.
    filters = {key: value for key, value in locals().items() if key in _FILTER_KEYS}
    filters = {key: value for key, value in filters.items() if value is not None}
    # Warnings are captured, not raised: the deprecation of v1 is part of the lesson.
    with warnings.catch_warnings(record=True) as caught:
        # The "default" action shows a warning once per call site, but every capture must see it.
        warnings.simplefilter("always")
        start_ns = time.perf_counter_ns()
        events: list[TimedEvent] = []
        async for raw in _event_source(runnable, input, version, config, filters):
            timed = TimedEvent(_ms_since(start_ns), raw)
            events.append(timed)
            if on_event is not None and inspect.isawaitable(result := on_event(timed)):
                await result
        total_ms = _ms_since(start_ns)
    # The capture window is process-wide: keep only what LangChain said, not, say, a
    # ResourceWarning about some other code's socket that happened to be collected meanwhile.
    relevant = [w for w in caught if not issubclass(w.category, ResourceWarning)]
    messages = list(dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in relevant))
    return CapturedEvents(version, events, messages, total_ms)


def capture_events_sync(runnable: Runnable[Any, Any], input: Any, **kwargs: Any) -> CapturedEvents:
    """Blocking `capture_events` (same keywords) for scripts and Streamlit pages.

    When the calling thread already runs an event loop (Jupyter, async tests) `asyncio.run` refuses,
    so the capture runs on a worker thread with its own loop; `on_event` then runs on that thread.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(capture_events(runnable, input, **kwargs))
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, capture_events(runnable, input, **kwargs)).result()


def _ms_since(start_ns: int) -> float:
    return (time.perf_counter_ns() - start_ns) / 1e6


def _event_source(
    runnable: Runnable[Any, Any],
    input: Any,
    version: Version,
    config: RunnableConfig | None,
    filters: dict[str, Any],
) -> AsyncIterator[StreamEvent]:
    if version == "v3":
        return _v3_events(runnable, input, config, filters)
    return runnable.astream_events(input, config, version=version, **filters)


@functools.cache
def supports_v3() -> bool:
    """True when the installed langchain-core knows `astream_events(version="v3")` (beta)."""
    annotation = inspect.signature(Runnable.astream_events).parameters["version"].annotation
    return "v3" in str(annotation)


def _is_chat_model(runnable: Runnable[Any, Any]) -> bool:
    while isinstance(runnable, RunnableBinding):  # .bind(), .with_config() wrap the model
        runnable = runnable.bound
    return isinstance(runnable, BaseChatModel)


def _check_v3(runnable: Runnable[Any, Any], filters: dict[str, Any]) -> None:
    if not supports_v3():
        raise ValueError("The installed langchain-core has no astream_events(version='v3'); use 'v2'.")
    if not _is_chat_model(runnable):
        msg = (
            f"astream_events(version='v3') only works for chat models (BaseChatModel), not "
            f"{runnable.get_name()}. Use version='v2' for chains, prompts, parsers and lambdas."
        )
        raise ValueError(msg)
    if filters:
        # v3 has no filters: langchain-core would pass them on to the model as request parameters.
        raise ValueError(f"version='v3' does not support {', '.join(filters)}; use 'v2' to filter.")


async def _v3_events(
    runnable: Runnable[Any, Any], input: Any, config: RunnableConfig | None, filters: dict[str, Any]
) -> AsyncIterator[StreamEvent]:
    _check_v3(runnable, filters)
    # v3 returns an awaitable stream object, not an async generator like v1/v2.
    stream = await runnable.astream_events(input, config, version="v3")
    name, run_id = runnable.get_name(), str(uuid.uuid4())
    tags, metadata = list((config or {}).get("tags", [])), dict((config or {}).get("metadata", {}))
    async for protocol_event in stream:
        if protocol_event["event"] == "message-start" and protocol_event.get("id"):
            run_id = str(protocol_event["id"]).removeprefix("lc_run--")  # the message id holds it
        yield StandardStreamEvent(
            event=protocol_event["event"], name=name, run_id=run_id, tags=tags, metadata=metadata,
            data={"chunk": protocol_event}, parent_ids=[],
        )  # fmt: skip


def event_phase(event: str) -> Phase:
    """`on_prompt_start` → "start", `on_chat_model_stream` → "stream", `on_custom_event` → "other"."""
    if event in _V3_PHASES or "-" in event:
        return _V3_PHASES.get(event, "other")
    suffix = event.rsplit("_", 1)[-1]
    return suffix if suffix in ("start", "stream", "end") else "other"  # type: ignore[return-value]


def run_type(event: str, name: str) -> str:
    """Kind of run from its event: `on_chat_model_start` → "chat_model", RunnableLambda → "lambda"."""
    if "-" in event:  # only v3 protocol events have dashes, and v3 only exists for chat models
        return "chat_model"
    kind = event.removeprefix("on_").rsplit("_", 1)[0]
    return "lambda" if kind == "chain" and name in _LAMBDA_NAMES else kind


# --- rows -----------------------------------------------------------------------------------------


def _as_list(events: EventsLike) -> list[TimedEvent]:
    return events.events if isinstance(events, CapturedEvents) else list(events)


def to_rows(events: EventsLike, *, limit: int = PREVIEW_CHARS) -> list[EventRow]:
    """JSON-safe rows, one per event, with `data` cut to `limit` characters."""
    return [_to_row(timed, limit) for timed in _as_list(events)]


def _to_row(timed: TimedEvent, limit: int) -> EventRow:
    event = timed.event
    return EventRow(
        t_ms=round(timed.t_ms, 3),
        event=event["event"],
        phase=event_phase(event["event"]),
        name=event["name"],
        run_id=str(event["run_id"]),
        parent_ids=[str(parent) for parent in event.get("parent_ids", [])],
        tags=list(event.get("tags", [])),
        metadata_keys=[str(key) for key in event.get("metadata", {})],
        data=_truncate(_payload_text(event), limit),
    )


def to_dataframe(events: EventsLike, *, limit: int = PREVIEW_CHARS) -> pd.DataFrame:
    """The rows of `to_rows` as a DataFrame (with all columns, even when there are no events)."""
    return pd.DataFrame(to_rows(events, limit=limit), columns=ROW_COLUMNS)


def to_json(captured: CapturedEvents, *, limit: int = PREVIEW_CHARS, indent: int | None = None) -> str:
    """Export for download: version, total time, warnings and the rows."""
    document = {
        "version": captured.version,
        "total_ms": round(captured.total_ms, 3),
        "warnings": captured.warnings,
        "events": to_rows(captured, limit=limit),
    }
    return json.dumps(document, ensure_ascii=False, indent=indent)


def _payload_text(event: StreamEvent) -> str:
    data: Mapping[str, Any] = event.get("data", {})
    phase = event_phase(event["event"])
    if "-" in event["event"]:
        return _protocol_text(data.get("chunk", {}))
    if phase == "stream":
        return _text_of(data.get("chunk"))
    if "error" in data:
        return f"{type(data['error']).__name__}: {data['error']}"
    # v2 reports the input of a streaming step only at its end, so a start row can be empty.
    return _text_of(data.get("output" if phase == "end" else "input"))


def _protocol_text(protocol_event: Mapping[str, Any]) -> str:
    delta = protocol_event.get("delta")
    if isinstance(delta, Mapping) and "text" in delta:
        return str(delta["text"])
    rest = {key: value for key, value in protocol_event.items() if key != "event"}
    return json.dumps(_jsonable(rest), ensure_ascii=False, default=str) if rest else ""


def _text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):  # includes StrOutputParser chunks, a str subclass
        return str(value)
    if isinstance(value, BaseMessage | PromptValue | Document):
        return _jsonable(value)
    return json.dumps(_jsonable(value), ensure_ascii=False, default=str)


def _jsonable(value: Any) -> Any:
    """Replace live LangChain objects by their text, recursively, so json.dumps can print them."""
    if isinstance(value, BaseMessage):
        # A tool-call chunk has no text: its partial JSON arguments are the interesting part.
        chunks = getattr(value, "tool_call_chunks", None)
        return value.text or (json.dumps(chunks, default=str) if chunks else "")
    if isinstance(value, PromptValue):
        return value.to_string()
    if isinstance(value, Document):
        return value.page_content
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value if isinstance(value, int | float | bool | str) or value is None else str(value)


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- spans ----------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Run:
    run_id: str
    name: str
    run_type: str
    parent_ids: list[str]
    start_idx: int
    start_ms: float
    end_idx: int = -1
    end_ms: float | None = None
    ended: bool = False
    n_stream: int = 0
    first_stream_ms: float | None = None


def to_spans(events: EventsLike) -> pd.DataFrame:
    """One row per run (columns `SPAN_COLUMNS`), parents before children, siblings by start time.

    v2 names each run's ancestors in `parent_ids`; the parent is the nearest ancestor that was
    captured (filters can hide the direct parent). v1 leaves `parent_ids` empty, so nesting is
    inferred from containment: the parent is the innermost run that started before and ended
    after. That guess is ambiguous for overlapping parallel branches (a step of one branch can be
    put under its sibling branch); use v2 whenever the tree matters.
    """
    runs = _collect_runs(_as_list(events))
    has_parent_ids = any(run.parent_ids for run in runs.values())
    parents = _parents_from_ids(runs) if has_parent_ids else _parents_from_containment(runs)
    ordered = _tree_order(runs, parents)
    rows = [_span_row(runs[run_id], parents[run_id], depth) for run_id, depth in ordered]
    return pd.DataFrame(rows, columns=SPAN_COLUMNS)


def _collect_runs(timed_events: list[TimedEvent]) -> dict[str, _Run]:
    runs: dict[str, _Run] = {}
    for index, timed in enumerate(timed_events):
        event, phase = timed.event, event_phase(timed.event["event"])
        run = runs.get(run_id := str(event["run_id"]))
        if run is None:
            parent_ids = [str(parent) for parent in event.get("parent_ids", [])]
            kind = run_type(event["event"], event["name"])
            run = runs[run_id] = _Run(run_id, event["name"], kind, parent_ids, index, timed.t_ms)
        if phase == "stream":
            run.n_stream += 1
            run.first_stream_ms = timed.t_ms if run.first_stream_ms is None else run.first_stream_ms
        # Until the end event arrives, the latest event closes the span (a failed run has no end).
        if not run.ended:
            run.end_ms, run.end_idx, run.ended = timed.t_ms, index, phase == "end"
    return runs


def _parents_from_ids(runs: dict[str, _Run]) -> dict[str, str | None]:
    return {
        run_id: next((parent for parent in reversed(run.parent_ids) if parent in runs), None)
        for run_id, run in runs.items()
    }


def _parents_from_containment(runs: dict[str, _Run]) -> dict[str, str | None]:
    # Event positions, not milliseconds: a prompt can start and end within the same millisecond.
    parents: dict[str, str | None] = {}
    for run_id, run in runs.items():
        containers = [
            other for other in runs.values()
            if other.start_idx < run.start_idx and other.end_idx > run.end_idx
        ]  # fmt: skip
        innermost = max(containers, key=lambda other: other.start_idx, default=None)
        parents[run_id] = innermost.run_id if innermost else None
    return parents


def _tree_order(runs: dict[str, _Run], parents: dict[str, str | None]) -> list[tuple[str, int]]:
    children: dict[str | None, list[str]] = {}
    for run_id in sorted(runs, key=lambda rid: runs[rid].start_idx):
        children.setdefault(parents[run_id], []).append(run_id)
    ordered: list[tuple[str, int]] = []
    stack = [(run_id, 0) for run_id in reversed(children.get(None, []))]
    while stack:
        run_id, depth = stack.pop()
        ordered.append((run_id, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(run_id, [])))
    return ordered


def _span_row(run: _Run, parent_run_id: str | None, depth: int) -> dict[str, Any]:
    return {
        "run_id": run.run_id,
        "parent_run_id": parent_run_id,
        "name": run.name,
        "run_type": run.run_type,
        "start_ms": run.start_ms,
        "end_ms": run.end_ms,
        "depth": depth,
        "n_stream_events": run.n_stream,
        "first_stream_ms": run.first_stream_ms,
    }
