"""Flatten captured `astream_events` into JSON-safe rows: the event table and its JSON export.

Events carry live objects (messages, prompt values, documents); a row keeps only text, with a
preview cut short, because huge intermediate outputs freeze the browser's event table
(langserve #812).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypedDict

import pandas as pd
from langchain_core.documents import Document
from langchain_core.messages import BaseMessage
from langchain_core.prompt_values import PromptValue
from langchain_core.runnables.schema import StreamEvent

from streamlab.measure.events import (
    CapturedEvents,
    EventsLike,
    Phase,
    TimedEvent,
    event_phase,
    timed_events,
)

__all__ = ["PREVIEW_CHARS", "ROW_COLUMNS", "EventRow", "to_dataframe", "to_json", "to_rows"]

PREVIEW_CHARS = 300  # huge intermediate outputs freeze the browser's event table (langserve #812)
ROW_COLUMNS = ["t_ms", "event", "phase", "name", "run_id", "parent_ids", "tags", "metadata_keys", "data"]


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


def to_rows(events: EventsLike, *, limit: int = PREVIEW_CHARS) -> list[EventRow]:
    """JSON-safe rows, one per event, with `data` cut to `limit` characters."""
    return [_to_row(timed, limit) for timed in timed_events(events)]


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
