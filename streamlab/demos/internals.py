"""Turn one streamed run into tables: every AIMessageChunk, its running sum, and the SSE lines.

The "how streaming works internally" lesson lays the wire format (raw SSE lines) next to what
LangChain made of it (AIMessageChunks) and counts both per kind, so a learner sees which
lines become which chunks, which chunk has no line at all, and why chunks ≠ tokens.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import pandas as pd
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, message_chunk_to_message

from streamlab.measure.recorder import RunSummary, StreamRecorder
from streamlab.measure.sse_capture import SSELine, SSETap, classify_sse_line, parse_sse_data

__all__ = [
    "KIND_NOTES",
    "AddOutcome",
    "ChunkKind",
    "DemoOperands",
    "Inspection",
    "chunk_table",
    "classify_chunk",
    "demo_operands",
    "inspect_run",
    "keep",
    "kind_counts",
    "sse_arrival_frame",
    "sse_table",
    "try_add",
]

T = TypeVar("T")

ChunkKind = Literal["role", "content", "tool_call", "finish", "usage", "last", "other"]
KIND_ORDER = ["role", "content", "tool_call", "finish", "usage", "done", "last", "other"]
KIND_NOTES = {
    "role": "delta.role='assistant' with empty content → an empty chunk",
    "content": "one chunk per line with text",
    "tool_call": "partial tool arguments → tool_call_chunks",
    "finish": "finish_reason → response_metadata of an empty chunk",
    "usage": "usage → usage_metadata of an empty chunk (needs stream_usage=True)",
    "done": "data: [DONE] only ends the stream: no chunk",
    "last": "added by langchain-core, not sent by the server: chunk_position='last'",
    "other": "",
}
_PREVIEW = 60


def classify_chunk(chunk: AIMessageChunk, index: int) -> ChunkKind:
    """The chunk's role in the stream (its SSE counterpart is named the same way)."""
    if chunk.content:
        return "content"
    if chunk.tool_call_chunks:
        return "tool_call"
    if chunk.response_metadata.get("finish_reason"):
        return "finish"
    if chunk.usage_metadata:
        return "usage"
    if chunk.chunk_position == "last":
        return "last"
    return "role" if index == 0 else "other"


def _json(value: Any) -> str:
    return "" if not value else json.dumps(value, ensure_ascii=False, default=str)


def _preview(text: str) -> str:
    return text if len(text) <= _PREVIEW else "…" + text[-(_PREVIEW - 1) :]


def chunk_table(
    chunks: Sequence[AIMessageChunk],
    sums: Sequence[AIMessageChunk],
    t_ns: Sequence[int],
    start_ns: int,
) -> pd.DataFrame:
    """One row per chunk: its fields, plus the running sum `chunks[0] + … + chunks[i]`."""
    rows = []
    for i, (chunk, total, t) in enumerate(zip(chunks, sums, t_ns, strict=True)):
        rows.append(
            {
                "#": i,
                "t_ms": round((t - start_ns) / 1e6, 1),
                "kind": classify_chunk(chunk, i),
                "content": repr(chunk.content),
                "running sum .content": _preview(total.text),
                "response_metadata": _json(chunk.response_metadata),
                "usage_metadata": _json(chunk.usage_metadata),
                "chunk_position": chunk.chunk_position,
                "running sum output_tokens": (
                    total.usage_metadata["output_tokens"] if total.usage_metadata else None
                ),
                "id": chunk.id,
            }
        )
    return pd.DataFrame(rows)


def _carries(data: Any) -> str:
    """The part of an SSE payload that differs from line to line (the envelope repeats)."""
    if not isinstance(data, dict):
        return str(data or "")
    choices = data.get("choices") or []
    if not choices:
        return "usage=" + json.dumps(data.get("usage"), separators=(",", ":"))
    choice = choices[0]
    delta = json.dumps(choice.get("delta") or {}, ensure_ascii=False, separators=(",", ":"))
    finish = choice.get("finish_reason")
    return f"delta={delta}" + (f" finish_reason={finish!r}" if finish else "")


def sse_table(lines: Sequence[SSELine], start_ns: int) -> pd.DataFrame:
    """The `data:` lines as they came off the socket: arrival time, kind, what it carries, raw text."""
    rows = [
        {
            "t_ms": round((line.t_ns - start_ns) / 1e6, 1),
            "kind": classify_sse_line(line.text),
            "carries": _carries(parse_sse_data(line.text)),
            "line": line.text,
        }
        for line in lines
        if line.text.startswith("data:")
    ]
    return pd.DataFrame(rows, columns=["t_ms", "kind", "carries", "line"])


def kind_counts(chunk_kinds: Sequence[str], sse_kinds: Sequence[str]) -> pd.DataFrame:
    """How many SSE lines and how many chunks of each kind: the two streams side by side."""
    present = set(chunk_kinds) | set(sse_kinds)
    rows = [
        {
            "kind": kind,
            "SSE lines": list(sse_kinds).count(kind),
            "chunks": list(chunk_kinds).count(kind),
            "what happens": KIND_NOTES[kind],
        }
        for kind in KIND_ORDER
        if kind in present
    ]
    return pd.DataFrame(rows, columns=["kind", "SSE lines", "chunks", "what happens"])


@dataclass(frozen=True, slots=True)
class AddOutcome:
    expression: str  # e.g. "AIMessageChunk + AIMessageChunk"
    ok: bool  # False when `+` raised
    result_type: str  # type of the result, or of the exception
    detail: str  # the result's content / summary, or the error message

    @property
    def merged(self) -> bool:
        """True only when `+` produced a merged chunk (not an error, not some other object)."""
        return self.ok and self.result_type == "AIMessageChunk"


def _describe(result: object) -> str:
    if isinstance(result, BaseMessage):
        return f"content={result.text!r} usage_metadata={getattr(result, 'usage_metadata', None)}"
    messages = getattr(result, "messages", None)
    if messages is not None:  # ChatPromptTemplate: a list of messages, not a merged message
        return f"a prompt template holding {len(messages)} messages: " + ", ".join(
            type(m).__name__ for m in messages
        )
    return repr(result)[:200]


def try_add(add: Callable[[Any, Any], Any], left: Any, right: Any) -> AddOutcome:
    """Run `add(left, right)` and report what came out, or what it raised."""
    expression = f"{type(left).__name__} + {type(right).__name__}"
    try:
        result = add(left, right)
    except Exception as exc:  # the lesson shows the error instead of crashing
        return AddOutcome(expression, False, type(exc).__name__, str(exc))
    return AddOutcome(expression, True, type(result).__name__, _describe(result))


def keep(stream: Iterable[T], sink: list[T]) -> Iterator[T]:
    """Pass `stream` on unchanged while appending every item to `sink` (to inspect it later)."""
    for item in stream:
        sink.append(item)
        yield item


def sse_arrival_frame(lines: Sequence[SSELine], start_ns: int, label: str) -> pd.DataFrame:
    """SSE lines as arrival rows (t_ms, run, chars of text), to plot next to a recorder's frame."""
    rows = []
    for line in lines:
        data = parse_sse_data(line.text)
        choices = data.get("choices") if isinstance(data, dict) else None
        text = ((choices[0].get("delta") or {}).get("content") or "") if choices else ""
        if data is not None:
            rows.append({"t_ms": (line.t_ns - start_ns) / 1e6, "run": label, "chars": len(text)})
    return pd.DataFrame(rows, columns=["t_ms", "run", "chars"])


@dataclass(frozen=True, slots=True)
class DemoOperands:
    content: AIMessageChunk  # the first chunk with text
    usage: AIMessageChunk  # the chunk that carries usage_metadata (or the last chunk)
    message: AIMessage  # the final sum as a finished message, like invoke() returns


def demo_operands(chunks: Sequence[AIMessageChunk], total: AIMessageChunk) -> DemoOperands:
    content = next((c for c in chunks if c.content), chunks[0])
    usage = next((c for c in chunks if c.usage_metadata), chunks[-1])
    message = message_chunk_to_message(total)
    assert isinstance(message, AIMessage)
    return DemoOperands(content, usage, message)


@dataclass(frozen=True, slots=True)
class Inspection:
    """Everything the inspector page shows about one run (kept in session state)."""

    summary: RunSummary
    counts: pd.DataFrame  # kind_counts()
    chunk_rows: pd.DataFrame  # chunk_table()
    sse_rows: pd.DataFrame  # sse_table()
    arrival: pd.DataFrame  # recorder frame + SSE lines frame
    chunk_id: str | None  # the chunks' id (LangChain's run id)
    sse_id: str | None  # the provider's completion id from the SSE lines
    operands: DemoOperands | None  # None when the run produced no chunk


def inspect_run(
    chunks: Sequence[AIMessageChunk],
    sums: Sequence[AIMessageChunk],
    recorder: StreamRecorder,
    tap: SSETap,
) -> Inspection:
    """Tables for one recorded run whose request went through `tap`."""
    start = recorder.start_ns or 0
    times = [record.t_ns for record in recorder.chunks]
    chunk_rows = chunk_table(chunks, sums, times, start)
    sse_rows = sse_table(tap.lines, start)
    payloads = [parse_sse_data(line.text) for line in tap.data_lines()]
    sse_id = next((p.get("id") for p in payloads if isinstance(p, dict)), None)
    wire = sse_arrival_frame(tap.lines, start, "SSE lines (wire)")
    arrival = pd.concat([recorder.to_dataframe(), wire])
    return Inspection(
        summary=recorder.summary(),
        counts=kind_counts(list(chunk_rows.get("kind", [])), list(sse_rows["kind"])),
        chunk_rows=chunk_rows,
        sse_rows=sse_rows,
        arrival=arrival,
        chunk_id=chunks[0].id if chunks else None,
        sse_id=sse_id,
        operands=demo_operands(chunks, sums[-1]) if chunks else None,
    )
