"""Predictions of the first lessons: chunks vs tokens, which clock streaming moves, empty chunks,
what `streaming=False` does."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from components.run.panel import Saved
from components.run.predict import Outcome, Prediction
from components.words import count, ms
from streamlab.measure.trials import EQUAL_WITHIN_PCT, MIN_SPEEDUP

# --- overview: chunks are not tokens ------------------------------------------------------------

FEWER, ONE_PER_TOKEN, MORE = (
    "Fewer chunks than tokens",
    "One chunk per token, no more",
    "More chunks than tokens",
)


def _grade_overview(saved: Saved) -> Outcome | None:
    summary = saved["stream"]["summary"]
    if summary["tokens_source"] != "usage" or summary["total_ms"] is None:
        return None  # no usage report: the token count is not known
    chunks, tokens, text = summary["chunks"], summary["output_tokens"], summary["content_chunks"]
    answer = FEWER if chunks < tokens else ONE_PER_TOKEN if chunks == tokens else MORE
    return Outcome(
        answer,
        f"`stream()` yielded {chunks} chunks for {tokens} tokens (the provider's usage report): "
        f"{text} chunks carried text and {chunks - text} carried none (they open and close the stream).",
    )


OVERVIEW = Prediction(
    "chunks_vs_tokens",
    "how will the number of chunks `llm.stream()` yields compare with the answer's tokens?",
    (FEWER, ONE_PER_TOKEN, MORE),
    _grade_overview,
    "This run has no token count to compare with (the provider sent no usage, or the run failed).",
)


# --- why streaming matters: which clock does streaming move? -------------------------------------

FIRST_ONLY, DONE_ONLY, BOTH, NEITHER = (
    "Only the time until the first text",
    "Only the time until the answer is done",
    "Both",
    "Neither",
)


def _grade_race(saved: Saved) -> Outcome | None:
    summaries = saved["summaries"]
    stream, invoke = summaries["llm.stream()"], summaries["llm.invoke()"]
    s_first, i_first, s_done, i_done = (
        stream["ttft_ms"], invoke["ttft_ms"], stream["total_ms"], invoke["total_ms"]
    )  # fmt: skip
    if None in (s_first, i_first, s_done, i_done) or not s_first or not i_done:
        return None
    speedup = i_first / s_first
    saved_pct = (i_done - s_done) / i_done * 100
    first, done = speedup >= MIN_SPEEDUP, saved_pct > EQUAL_WITHIN_PCT
    answer = BOTH if first and done else FIRST_ONLY if first else DONE_ONLY if done else NEITHER
    return Outcome(
        answer,
        f"first text at {ms(s_first)} streamed vs {ms(i_first)} invoked ({speedup:.1f}× sooner; "
        f"it counts from {MIN_SPEEDUP}×); done at {ms(s_done)} vs {ms(i_done)} "
        f"({-saved_pct:+.0f}%; it counts when more than {EQUAL_WITHIN_PCT:.0f}% sooner).",
    )


WHY_STREAMING = Prediction(
    "what_streaming_improves",
    "both requests leave at the same moment. What will streaming improve?",
    (FIRST_ONLY, DONE_ONLY, BOTH, NEITHER),
    _grade_race,
    "One of the lanes did not finish, so there is nothing to compare.",
)


# --- internals: how many chunks carry no text? ---------------------------------------------------

NO_EMPTY, ONE_EMPTY, TWO_OR_THREE, FOUR_OR_MORE = (
    "None: every chunk carries text",
    "One (the opening role chunk)",
    "Two or three",
    "Four or more",
)


def _grade_internals(saved: Saved) -> Outcome | None:
    result = saved["result"]
    if result is None:
        return None
    rows: pd.DataFrame = result.chunk_rows
    empty = rows[rows["kind"] != "content"]
    n = len(empty)
    answer = NO_EMPTY if n == 0 else ONE_EMPTY if n == 1 else TWO_OR_THREE if n <= 3 else FOUR_OR_MORE
    kinds = ", ".join(f"`{kind}`" for kind in empty["kind"]) or "none"
    return Outcome(
        answer,
        f"{len(rows)} chunks, {len(rows) - n} with text and {n} without: {kinds}. "
        "The `usage` one is there only because `stream_usage=True` is set.",
    )


INTERNALS = Prediction(
    "empty_chunks",
    "how many of the chunks `llm.stream()` yields will carry no text at all?",
    (NO_EMPTY, ONE_EMPTY, TWO_OR_THREE, FOUR_OR_MORE),
    _grade_internals,
    "The run produced no chunk to count.",
)


# --- llm_direct: what `streaming=False` does to `.stream()` --------------------------------------

STILL_STREAMS, ONE_MESSAGE = (
    "Chunks while the answer is written, as with the flag unset",
    "One message with the whole answer, at the end",
)


def _flag_row(table: pd.DataFrame, flag: str, method: str) -> Mapping[str, Any] | None:
    rows = table[(table["streaming="] == flag) & (table["method"] == method)]
    return None if rows.empty else {str(k): v for k, v in rows.iloc[0].items()}


def _grade_flags(saved: Saved) -> Outcome | None:
    off = _flag_row(saved["table"], "streaming=False", "stream()")
    unset = _flag_row(saved["table"], "unset", "stream()")
    if off is None or unset is None:
        return None
    answer = ONE_MESSAGE if off["chunks"] == 1 else STILL_STREAMS
    return Outcome(
        answer,
        f"with `streaming=False`, `stream()` yielded {count(off['chunks'], 'chunk')} "
        f"({off['with text']} with text); with the flag unset it yielded "
        f"{count(unset['chunks'], 'chunk')} ({unset['with text']} with text).",
    )


LLM_DIRECT = Prediction(
    "streaming_false",
    "with `ChatOpenAI(streaming=False)`, what will `llm.stream(question)` yield?",
    (STILL_STREAMS, ONE_MESSAGE),
    _grade_flags,
    "The table did not get as far as those rows.",
)
