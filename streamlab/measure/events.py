"""Stamp `astream_events` output with arrival times: the capture every event table starts from.

`astream_events` is the one API that shows every step of a chain while it runs, but its events
carry live objects (messages, prompt values, documents) and no clock. This module records when
each event arrived, and names each event's phase and run type. `event_rows` flattens a capture
into JSON-safe rows, `event_spans` into one timeline span per run.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import inspect
import time
import uuid
import warnings
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import Runnable, RunnableBinding
from langchain_core.runnables.schema import StandardStreamEvent, StreamEvent

if TYPE_CHECKING:
    from collections.abc import Sequence

    from langchain_core.runnables import RunnableConfig

__all__ = [
    "CapturedEvents",
    "EventsLike",
    "OnEvent",
    "Phase",
    "TimedEvent",
    "Version",
    "capture_events",
    "capture_events_sync",
    "event_phase",
    "run_type",
    "supports_v3",
    "timed_events",
]

Version = Literal["v1", "v2", "v3"]
Phase = Literal["start", "stream", "end", "other"]
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


def timed_events(events: EventsLike) -> list[TimedEvent]:
    """The events of a capture, or of any iterable of `TimedEvent`, as a list."""
    return events.events if isinstance(events, CapturedEvents) else list(events)
