"""The SSE tap as one more layer row: what crossed the wire, next to "sent by server".

Page 03 copies the response bytes with an httpx tee (`streamlab.measure.sse_capture.SSETap`). Its
content lines, on the recorder's clock, are the same updates the simulator logged as sent:
putting them in a row shaped like the three-layer table lets the learner compare them.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from streamlab.measure.layers import LayerSummary

__all__ = ["WIRE", "WIRE_COLUMNS", "render_wire_row", "to_wire_row", "wire_note"]

WIRE = "on the wire (SSE tap)"
WIRE_COLUMNS = ["first token (ms)", "last token (ms)", "updates", "chars", "measured by"]
MEASURED_BY = "httpx transport tee: perf_counter_ns() per SSE line"


def to_wire_row(arrival: pd.DataFrame, run: str) -> pd.DataFrame:
    """One row: first/last SSE line with text (ms since request start), their count and chars.

    `arrival` has columns t_ms, run, chars (`chunk_inspector.sse_arrival_frame` rows among others);
    `run` picks the tap's rows.
    """
    lines = arrival[(arrival["run"] == run) & (arrival["chars"] > 0)]
    if lines.empty:
        row = [None, None, 0, 0, MEASURED_BY]
    else:
        row = [
            round(float(lines["t_ms"].min()), 1),
            round(float(lines["t_ms"].max()), 1),
            len(lines),
            int(lines["chars"].sum()),
            MEASURED_BY,
        ]
    return pd.DataFrame([row], columns=WIRE_COLUMNS, index=pd.Index([WIRE], name="layer"))


def render_wire_row(arrival: pd.DataFrame, run: str, server: LayerSummary | None, *, key: str) -> None:
    """The tap's row, and whether it matches the server layer (`server`: its summary, if any)."""
    wire = to_wire_row(arrival, run)
    with st.container(key=key):
        st.table(wire.style.format(precision=1, na_rep="—"))
        st.caption(wire_note(wire, server))


def wire_note(wire: pd.DataFrame, server: LayerSummary | None) -> str:
    """The sentence under the row: does the server layer match the wire? (in the learner's words)"""
    updates, chars, first = (wire[c].iloc[0] for c in ("updates", "chars", "first token (ms)"))
    if server is None or server["first_ms"] is None or first is None or pd.isna(first):
        return (
            f"The tap saw {updates} SSE lines with text ({chars} chars). *Sent by server* is "
            "measured only by the embedded simulator, so there is nothing to compare it with here."
        )
    same = updates == server["updates"] and chars == server["chars"]
    verdict = "the same pieces" if same else "**not** the same pieces"
    return (
        f"The tap saw {updates} SSE lines with text ({chars} chars); the server logged "
        f"{server['updates']} writes ({server['chars']} chars): {verdict}. Its first line arrived "
        f"{float(first) - server['first_ms']:.1f} ms after the server sent it: *sent by server* "
        "is what crossed the wire."
    )
