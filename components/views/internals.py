"""Views of "How streaming works internally": one run streamed through an SSE tap, then its
chunks, SSE lines, counts and `+` experiments; and the tap as one more layer row.

The tap (`streamlab.measure.sse_capture.SSETap`) copies the response bytes with an httpx tee. Its
content lines, on the recorder's clock, are the same updates the simulator logged as sent:
putting them in a row shaped like the three-layer table lets the learner compare them.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import pandas as pd
import streamlit as st
from langchain_core.messages import AIMessageChunk

from components.code_panel import show_source
from components.figures.arrival import render_arrival
from components.run.live_output import render_run_error, render_text_stream
from components.run.metric_cards import render_metric_cards
from components.run.panel import RunContext, Saved
from components.run.tables import render_evidence_table
from streamlab.demos import internals as ci
from streamlab.measure.layers import SERVER, LayerSummary
from streamlab.measure.recorder import StreamRecorder
from streamlab.measure.sse_capture import SSETap
from streamlab.recipes import internals as r

__all__ = [
    "LANES",
    "WIRE",
    "WIRE_COLUMNS",
    "inspected",
    "render_wire_row",
    "run_inspection",
    "show_inspection",
    "show_wire",
    "to_wire_row",
    "usage_table",
    "wire_note",
]

LANE, WIRE_RUN = "llm.stream()", "SSE lines (wire)"  # WIRE_RUN: inspect_run's label for the tap's rows
LANES = {LANE: "int_output"}  # the browser tests and the paint probe watch this container

WIRE = "on the wire (SSE tap)"
WIRE_COLUMNS = ["first token (ms)", "last token (ms)", "updates", "chars", "measured by"]
MEASURED_BY = "httpx transport tee: perf_counter_ns() per SSE line"


def to_wire_row(arrival: pd.DataFrame, run: str) -> pd.DataFrame:
    """One row: first/last SSE line with text (ms since request start), their count and chars.

    `arrival` has columns t_ms, run, chars (`chunk_inspector.sse_arrival_frame` rows among others);
    `run` picks the tap's rows.
    """
    lines = arrival[(arrival["run"] == run) & (arrival["chars"] > 0)]
    row: list[object]
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


def run_inspection(ctx: RunContext, question: str, max_tokens: int) -> Saved:
    """Stream the question through the tap, keeping every chunk for the tables."""
    tap, recorder = SSETap(), StreamRecorder(label="chunks (LangChain)")
    # The trace id asks the simulator to log its send times (other providers never see it).
    traced = replace(ctx.config, sim_overrides={**ctx.lanes[LANE].sim, **ctx.config.sim_overrides})
    llm = r.build_tapped_llm(traced, tap, max_tokens)
    chunks: list[AIMessageChunk] = []  # render_text_stream reports any error under the text
    kept = ci.keep(recorder.wrap(partial(r.stream_chunks, llm, question)), chunks)
    live = render_text_stream(kept, key=LANES[LANE])
    ctx.finish(LANE, recorder)
    sums = list(r.running_sums(chunks))
    server = next((s for s in ctx.lanes[LANE].summary() if s["layer"] == SERVER), None)
    result = ci.inspect_run(chunks, sums, recorder, tap) if chunks else None
    usage = _usage_both_ways(ctx, question, max_tokens, chunks, sums) if chunks else None
    return {LANE: live, "result": result, "server": server, "usage": usage}


def _usage_both_ways(
    ctx: RunContext,
    question: str,
    max_tokens: int,
    chunks: list[AIMessageChunk],
    sums: list[AIMessageChunk],
) -> pd.DataFrame | None:
    """This run (stream_usage=True) next to the same question streamed without it (untimed)."""
    try:
        plain = list(r.stream_without_usage(ctx.model(max_tokens=max_tokens), question))
    except Exception as exc:  # the main run stands on its own: just say why this row is missing
        render_run_error(exc, partial=False)
        return None
    plain_sum = list(r.running_sums(plain))[-1] if plain else None
    return usage_table(
        len(chunks), sums[-1].usage_metadata, len(plain), plain_sum and plain_sum.usage_metadata
    )


def usage_table(
    with_chunks: int, with_usage: object, without_chunks: int, without_usage: object
) -> pd.DataFrame:
    """Chunks and the summed `usage_metadata`, with and without `stream_usage=True`."""
    return pd.DataFrame(
        {
            "stream_usage": ["True (this lab)", "unset (ChatOpenAI(base_url=...) default)"],
            "chunks": [with_chunks, without_chunks],
            "usage_metadata of the sum": [str(with_usage), str(without_usage)],
        }
    )


def inspected(saved: Saved) -> bool:
    """Whether the run got a chunk to inspect (else there are no tables, nor layers, to show)."""
    return saved["result"] is not None


def show_wire(saved: Saved) -> None:
    """The run's counts, and the tap's row to lay over the layer table drawn under it."""
    if not inspected(saved):
        return
    result: ci.Inspection = saved["result"]
    render_metric_cards(result.summary, columns=("chunks", "content_chunks", "output_tokens", "ttft_ms"))
    st.subheader("Sent by server → on the wire → received by LangChain → shown in browser")
    st.markdown(
        "**Notice** that the SSE tap's row matches *sent by server* (the same pieces, a millisecond "
        "or two later): the server layer is what crossed the wire. LangChain gets each piece a few "
        "ms after that (the SDK parses the line, LangChain builds the chunk); your browser shows it "
        "later still (websocket + rendering)."
    )
    render_wire_row(result.arrival, WIRE_RUN, saved["server"], key="int_wire")


def show_inspection(saved: Saved) -> None:
    """Chunks next to SSE lines, their arrival, and what `+` does with messages and chunks."""
    if not inspected(saved):
        return
    result: ci.Inspection = saved["result"]
    st.subheader("SSE lines vs chunks, per kind")
    render_evidence_table(result.counts)  # what happens to each kind, whole
    left, right = st.columns([3, 2])
    left.markdown("**Every `AIMessageChunk`**, with the running sum `chunks[0] + … + chunks[i]`")
    left.dataframe(result.chunk_rows, hide_index=True, key="int_chunk_table")
    right.markdown("**The raw SSE lines** of the same request")
    right.dataframe(result.sse_rows, hide_index=True, key="int_sse_table")
    st.caption(
        f"The chunk `id` is LangChain's run id ({result.chunk_id}), not the provider's "
        f"`chatcmpl-…` id in the SSE lines ({result.sse_id})."
    )
    render_arrival(result.arrival, key="int_arrival")
    st.caption("Each chunk is yielded the moment its line arrives: the two lines overlap.")
    if (usage := saved.get("usage")) is not None:
        st.subheader("Token usage while streaming needs `stream_usage=True`")
        st.markdown(
            "`langchain-openai` asks for usage in a stream only for OpenAI's own URL. With a custom "
            "`base_url` (a local server, a proxy, this simulator) it is off: no usage chunk, and "
            "`usage_metadata` is `None`. This lab passes `stream_usage=True` everywhere, so every "
            "chunk count in it includes that chunk. **Notice** the same question, streamed both ways:"
        )
        show_source(r.stream_without_usage)
        render_evidence_table(usage, key="int_usage_table")
    st.subheader("What `+` does with messages and chunks")
    show_source(r.add_chunks, r.add_chunk_to_message, r.add_message_to_chunk)
    st.caption(
        "Operands from this run: the first text chunk, the usage chunk, and the final sum "
        "as an `AIMessage` (what `invoke()` returns)."
    )
    if ops := result.operands:
        for outcome in (
            ci.try_add(r.add_chunks, ops.content, ops.usage),
            ci.try_add(r.add_chunk_to_message, ops.message, ops.content),
            ci.try_add(r.add_message_to_chunk, ops.content, ops.message),
        ):
            box = st.success if outcome.merged else st.warning if outcome.ok else st.error
            box(f"`{outcome.expression}` → **{outcome.result_type}**: {outcome.detail}")
        st.caption(
            "`AIMessage + chunk` raises nothing, yet merges nothing: `BaseMessage.__add__` wraps "
            "both in a prompt template. Sum chunks with chunks, then convert the total once "
            "with `message_chunk_to_message`."
        )
