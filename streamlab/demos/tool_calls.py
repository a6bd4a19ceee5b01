"""Watch tool-call arguments grow: one row per streamed chunk, with the running sum beside it.

A model that calls a tool streams its arguments as `tool_call_chunks` whose `args` are raw
slices of a JSON string. `ToolCallLog.wrap()` stamps each chunk on arrival (before any UI
work), keeps `chunk1 + chunk2 + …` as it goes, and records what a learner wants to compare:
the piece alone, the accumulated string, and what the running sum parses out of it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from langchain_core.messages import AIMessageChunk

__all__ = ["TABLE_COLUMNS", "ArgsRow", "ToolCallLog", "is_json"]

TABLE_COLUMNS = [
    "#", "ms", "name", "args piece", "piece alone is JSON?", "accumulated args", "sum's parsed args",
    "chunk.tool_calls alone",
]  # fmt: skip


def is_json(text: str) -> bool:
    """Does `text` parse as JSON on its own?"""
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class ArgsRow:
    index: int  # arrival order, from 0
    t_ms: float  # ms since the request started
    name: str  # tool name, sent once (in the first tool-call chunk)
    piece: str  # this chunk's args slice ("" for chunks without one)
    accumulated: str  # args string of the running sum after this chunk
    parsed: dict[str, Any] | None  # running sum's tool_calls[0]["args"]: a partial-JSON parse
    alone: list[dict[str, Any]]  # this chunk's own `tool_calls`, parsed from its piece alone


@dataclass(slots=True)
class ToolCallLog:
    clock: Callable[[], int] = time.perf_counter_ns
    rows: list[ArgsRow] = field(default_factory=list)
    total: AIMessageChunk | None = None
    start_ns: int | None = None
    end_ns: int | None = None

    def wrap(
        self, chunks: Iterable[AIMessageChunk] | Callable[[], Iterable[AIMessageChunk]]
    ) -> Iterator[AIMessageChunk]:
        """Yield the chunks unchanged; the clock starts at the first iteration (request start)."""
        self.start_ns = self.clock()
        try:
            for chunk in chunks if isinstance(chunks, Iterable) else chunks():
                t_ns = self.clock()
                self._add(chunk, t_ns)
                yield chunk
        finally:
            self.end_ns = self.clock()

    def _add(self, chunk: AIMessageChunk, t_ns: int) -> None:
        self.total = chunk if self.total is None else self.total + chunk
        pieces = chunk.tool_call_chunks
        calls = self.total.tool_call_chunks
        self.rows.append(ArgsRow(
            index=len(self.rows),
            t_ms=(t_ns - (self.start_ns or t_ns)) / 1e6,
            name="".join(p.get("name") or "" for p in pieces),
            piece="".join(p.get("args") or "" for p in pieces),
            accumulated=(calls[0].get("args") or "") if calls else "",
            parsed=dict(self.total.tool_calls[0]["args"]) if self.total.tool_calls else None,
            alone=[{"name": call["name"], "args": call["args"]} for call in chunk.tool_calls],
        ))  # fmt: skip

    @property
    def pieces(self) -> list[str]:
        """The non-empty args slices, in arrival order."""
        return [row.piece for row in self.rows if row.piece]

    def summary(self) -> dict[str, float | int | None]:
        with_piece = [row for row in self.rows if row.piece]
        end = self.end_ns if self.end_ns is not None else self.clock()
        return {
            "chunks": len(self.rows),
            "Args pieces": len(with_piece),
            "Args characters": sum(len(row.piece) for row in with_piece),
            "First piece (ms)": round(with_piece[0].t_ms, 1) if with_piece else None,
            "total_ms": (end - self.start_ns) / 1e6 if self.start_ns is not None else None,
        }

    def to_dataframe(self) -> pd.DataFrame:
        """The table a page shows: one row per chunk, JSON columns as compact text."""
        return pd.DataFrame([_table_row(row) for row in self.rows], columns=TABLE_COLUMNS)

    def arrival_frame(self, label: str = "tool-call arguments") -> pd.DataFrame:
        """Rows for `components.figures.arrival.arrival_figure`: argument characters over time."""
        return pd.DataFrame(
            {
                "t_ms": [row.t_ms for row in self.rows],
                "label": label,
                "chars": [len(row.piece) for row in self.rows],
            }
        )


def _table_row(row: ArgsRow) -> list[Any]:
    alone = ("yes" if is_json(row.piece) else "no") if row.piece else ""
    parsed = "" if row.parsed is None else json.dumps(row.parsed, ensure_ascii=False)
    return [
        row.index,
        round(row.t_ms, 1),
        row.name,
        row.piece,
        alone,
        row.accumulated,
        parsed,
        json.dumps(row.alone, ensure_ascii=False),
    ]
