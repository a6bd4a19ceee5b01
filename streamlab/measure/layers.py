"""Three clocks on one timeline: sent by server → received by LangChain → shown in browser.

Each layer is measured where it happens: the simulator stamps every content write with
`time.time_ns()` (`GET /v1/sim/traces/{id}`), `StreamRecorder` stamps chunks with
`perf_counter_ns()`, and the browser probe stamps paints in epoch ms. An `EpochAnchor` read
at request start maps the recorder's clock onto the epoch, so all three share one origin:
the request start (t = 0 ms). Same machine, same wall clock: no clock-sync guesswork.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

import pandas as pd

from streamlab.measure.server_trace import ServerTrace, fetch_server_trace, new_trace_id

__all__ = [
    "LAYERS",
    "LAYER_COLUMNS",
    "SUMMARY_COLUMNS",
    "EpochAnchor",
    "LayerSummary",
    "RunLayers",
    "summarize_layers",
    "to_layers_frame",
    "to_summary_table",
]

SERVER, LANGCHAIN, BROWSER = "sent by server", "received by LangChain", "shown in browser"
LAYERS = (SERVER, LANGCHAIN, BROWSER)
LAYER_COLUMNS = ["layer", "t_ms", "text", "chars", "cum_chars"]
SUMMARY_COLUMNS = [
    "layer",
    "first token (ms)",
    "last token (ms)",
    "first token: + ms after layer above",
    "updates",
    "chars",
    "measured by",
]
MEASURED_BY = {
    SERVER: "simulator: time.time_ns() at each socket write",
    LANGCHAIN: "StreamRecorder: perf_counter_ns() per chunk",
    BROWSER: "MutationObserver + requestAnimationFrame in the page",
}
_NS_PER_MS = 1_000_000


@dataclass(frozen=True, slots=True)
class EpochAnchor:
    """The epoch and perf_counter clocks read together, to convert one into the other."""

    epoch_ns: int
    perf_ns: int

    @classmethod
    def now(cls) -> EpochAnchor:
        return cls(time.time_ns(), time.perf_counter_ns())

    def to_epoch_ns(self, perf_ns: int) -> int:
        return self.epoch_ns + (perf_ns - self.perf_ns)


class LayerSummary(TypedDict):
    """First and last token of one layer, in ms since the request start."""

    layer: str
    """One of LAYERS."""
    first_ms: float | None
    """First non-empty text sent / received / painted; None if the layer was not measured."""
    last_ms: float | None
    """Last one (for the browser: the last painted change)."""
    updates: int
    """Socket writes' chunks, LangChain chunks with text, or painted changes."""
    chars: int
    """Characters at the end of the stream in that layer."""


def _server_rows(trace: ServerTrace, start_epoch_ns: int) -> list[dict[str, Any]]:
    rows, total = [], 0
    for sent, text in zip(trace.sent_ns, trace.texts, strict=True):
        total += len(text)
        rows.append(
            {
                "layer": SERVER,
                "t_ms": (sent - start_epoch_ns) / _NS_PER_MS,
                "text": text,
                "chars": len(text),
                "cum_chars": total,
            }
        )
    return rows


def _received_rows(received: pd.DataFrame) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    total = 0
    if received.empty:
        return rows
    for t_ms, text in zip(received["t_ms"], received["text"], strict=True):
        if not text:
            continue  # role, finish and usage chunks carry no text
        total += len(text)
        rows.append(
            {
                "layer": LANGCHAIN,
                "t_ms": float(t_ms),
                "text": text,
                "chars": len(text),
                "cum_chars": total,
            }
        )
    return rows


def _browser_rows(paint: Mapping[str, Any], start_epoch_ns: int) -> list[dict[str, Any]]:
    start_ms = start_epoch_ns / _NS_PER_MS
    samples = [(float(t), int(n)) for t, n in paint.get("samples") or []]
    if not samples and paint.get("first_paint_ms") is not None:  # no samples: first and last only
        chars = int(paint.get("chars") or 0)
        samples = [(float(paint["first_paint_ms"]), chars)]
        if paint.get("last_paint_ms") is not None:
            samples.append((float(paint["last_paint_ms"]), chars))
    rows, shown = [], 0
    for t, n in samples:
        if n <= 0 and shown == 0:
            continue  # nothing of this run painted yet
        rows.append(
            {"layer": BROWSER, "t_ms": t - start_ms, "text": "", "chars": n - shown, "cum_chars": n}
        )
        shown = n
    return rows


def to_layers_frame(
    received: pd.DataFrame,
    start_epoch_ns: int,
    *,
    server: ServerTrace | None = None,
    browser: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """One row per text event of each layer, t_ms relative to the request start.

    `received` is `StreamRecorder.to_dataframe()` (t_ms already relative to the request start,
    whose epoch time is `start_epoch_ns`); `browser` is the paint probe's report.
    """
    rows = _server_rows(server, start_epoch_ns) if server is not None else []
    rows += _received_rows(received)
    if browser is not None:
        rows += _browser_rows(browser, start_epoch_ns)
    return pd.DataFrame(rows, columns=LAYER_COLUMNS)


def summarize_layers(frame: pd.DataFrame) -> list[LayerSummary]:
    """First/last token per layer, always in LAYERS order (unmeasured layers give None).

    The browser's last token is its first paint showing the whole answer: the final text, or
    every character received while the text is still plain, before a final Markdown render
    (which changes the length: `**` and list markers are not text) repaints it.
    """
    out: list[LayerSummary] = []
    received_chars: int | None = None
    for layer in LAYERS:
        rows = frame[frame["layer"] == layer].sort_values("t_ms", kind="stable")
        if rows.empty:
            out.append(LayerSummary(layer=layer, first_ms=None, last_ms=None, updates=0, chars=0))
            continue
        final = int(rows["cum_chars"].iloc[-1])
        last = rows["t_ms"].max()
        if layer == BROWSER:
            whole = rows["cum_chars"].isin({final, received_chars})
            last = rows.loc[whole, "t_ms"].min()
        else:
            received_chars = final
        out.append(
            LayerSummary(
                layer=layer,
                first_ms=float(rows["t_ms"].min()),
                last_ms=float(last),
                updates=len(rows),
                chars=final,
            )
        )
    return out


def to_summary_table(summaries: Sequence[LayerSummary]) -> pd.DataFrame:
    """The three-row table a page shows (times rounded to 0.1 ms; None stays missing)."""

    def ms(value: float | None) -> float | None:
        return None if value is None else round(value, 1)

    rows: list[list[Any]] = []
    above: float | None = None
    for s in summaries:
        behind = None if above is None or s["first_ms"] is None else s["first_ms"] - above
        rows.append(
            [
                s["layer"],
                ms(s["first_ms"]),
                ms(s["last_ms"]),
                ms(behind),
                s["updates"],
                s["chars"],
                MEASURED_BY[s["layer"]],
            ]
        )
        above = s["first_ms"] if s["first_ms"] is not None else above
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


@dataclass(slots=True)
class RunLayers:
    """Everything one run needs to show its three layers; the browser's part arrives later.

    Start it right before the request (`RunLayers.start()`), send `sim` with the request,
    then `finish(recorder_frame, recorder_start_ns, base_url)` when the stream ended.
    """

    trace_id: str
    anchor: EpochAnchor
    start_epoch_ns: int | None = None
    received: pd.DataFrame | None = None  # None until `finish` (building an empty frame costs ~1 ms)
    server: ServerTrace | None = None

    @classmethod
    def start(cls) -> RunLayers:
        return cls(new_trace_id(), EpochAnchor.now())

    @property
    def sim(self) -> dict[str, str]:
        """The simulator body field that turns on its send trace (ignored by real providers)."""
        return {"trace_id": self.trace_id}

    def finish(
        self, received: pd.DataFrame, start_perf_ns: int | None, server_base_url: str | None
    ) -> RunLayers:
        """Record LangChain's chunks and fetch the server's trace (None: not the simulator)."""
        self.received = received
        self.start_epoch_ns = self.anchor.to_epoch_ns(
            start_perf_ns if start_perf_ns is not None else self.anchor.perf_ns
        )
        if server_base_url:
            self.server = fetch_server_trace(server_base_url, self.trace_id)
        return self

    def frame(self, browser: Mapping[str, Any] | None = None) -> pd.DataFrame:
        start = self.start_epoch_ns if self.start_epoch_ns is not None else self.anchor.epoch_ns
        received = self.received if self.received is not None else pd.DataFrame(columns=["t_ms", "text"])
        return to_layers_frame(received, start, server=self.server, browser=browser)

    def summary(self, browser: Mapping[str, Any] | None = None) -> list[LayerSummary]:
        return summarize_layers(self.frame(browser))
