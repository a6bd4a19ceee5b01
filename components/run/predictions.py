"""The question each lesson asks before its Run (predict, then run), graded from that run's numbers.

Like the quiz's questions (streamlab/demos/takeaways.py), they live in one table, one per lesson
id. Each `grade` reads only what its lesson's run kept (`Saved`) and decides the right option from
the measured values: change the numbers and the answer changes (tests/components/run/test_predict.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from components.run.panel import Saved
from components.run.predict import Outcome, Prediction
from streamlab.catalog import LESSONS
from streamlab.measure.streamability import VERDICT_LABELS
from streamlab.measure.trials import EQUAL_WITHIN_PCT, MIN_SPEEDUP, medians, mode_row
from streamlab.recipes.takeaways import CHAINS

__all__ = ["PREDICTIONS", "SAME_FINISH_PCT", "prediction_rows"]

SAME_FINISH_PCT = 5.0
"""Branches whose last chunks are closer than this share of the later one finish "together"."""


def _ms(value: float) -> str:
    return f"{value:,.0f} ms"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


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
        f"first text at {_ms(s_first)} streamed vs {_ms(i_first)} invoked ({speedup:.1f}× sooner; "
        f"it counts from {MIN_SPEEDUP}×); done at {_ms(s_done)} vs {_ms(i_done)} "
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
        f"with `streaming=False`, `stream()` yielded {_count(off['chunks'], 'chunk')} "
        f"({off['with text']} with text); with the flag unset it yielded "
        f"{_count(unset['chunks'], 'chunk')} ({unset['with text']} with text).",
    )


LLM_DIRECT = Prediction(
    "streaming_false",
    "with `ChatOpenAI(streaming=False)`, what will `llm.stream(question)` yield?",
    (STILL_STREAMS, ONE_MESSAGE),
    _grade_flags,
    "The table did not get as far as those rows.",
)


# --- sequence: does a chain whose last step streams always stream? -------------------------------

BLOCKED = "+ plain function + StrOutputParser()"
YES_LAST_STEP, NO_COLLAPSED = (
    "Yes: its last step, StrOutputParser, streams",
    "No: the plain function before it collapses the stream",
)


def _grade_sequence(saved: Saved) -> Outcome | None:
    table: pd.DataFrame = saved["table"]
    rows = table[table["run"] == BLOCKED]
    if rows.empty:
        return None
    row = rows.iloc[0]
    streams = row["verdict"] == VERDICT_LABELS["streams"]
    first, llm_done = row["first text (ms)"], row["LLM done (ms)"]
    timing = (
        f"its first text came at {_ms(first)}, the model finished at {_ms(llm_done)}"
        if pd.notna(first) and pd.notna(llm_done)
        else "it produced no timing"
    )
    return Outcome(
        YES_LAST_STEP if streams else NO_COLLAPSED,
        f"`{BLOCKED}` yielded {_count(row['with text'], 'chunk')} with text; {timing}.",
    )


SEQUENCE = Prediction(
    "last_step_streams",
    f"`{BLOCKED}` ends in a step that streams. Will the chain stream?",
    (YES_LAST_STEP, NO_COLLAPSED),
    _grade_sequence,
    f"This run did not include `{BLOCKED}`: add it to the variants to grade your prediction.",
)


# --- parallel: which branch finishes first? ------------------------------------------------------

TOGETHER = "Both at about the same moment"


def _grade_parallel(saved: Saved) -> Outcome | None:
    names: Sequence[str] = saved["names"]
    branches = saved["summary"]["branches"]
    done = {name: branches[name]["total_ms"] for name in names}
    if len(done) != 2 or None in done.values():
        return None
    (a, a_ms), (b, b_ms) = sorted(done.items(), key=lambda item: item[1])
    together = (b_ms - a_ms) <= SAME_FINISH_PCT / 100 * b_ms
    ttfts = ", ".join(f"`{n}` {_ms(branches[n]['ttft_ms'] or 0)}" for n in names)
    return Outcome(
        TOGETHER if together else f"`{a}`",
        f"`{a}` sent its last chunk at {_ms(a_ms)}, `{b}` at {_ms(b_ms)} "
        f"(first text: {ttfts}); both started together.",
    )


PARALLEL = Prediction(
    "first_branch_done",
    "both branches start together. Which one will finish first?",
    ("`short`", "`detailed`", TOGETHER),
    _grade_parallel,
    "A branch did not finish, so there is no finish order.",
)


# --- astream_events: which event carries the model's tokens? -------------------------------------

EVENT_OPTIONS = ("on_llm_stream", "on_chat_model_stream", "on_chain_stream", "on_prompt_stream")
_MODEL_STARTS = {"on_chat_model_start", "on_llm_start"}


def _grade_events(saved: Saved) -> Outcome | None:
    captured = saved["captured"]
    if captured is None or captured.version == "v3":
        return None
    events = [timed.event for timed in captured.events]
    model_runs = {e.get("run_id") for e in events if e.get("event") in _MODEL_STARTS}
    streamed = [
        e for e in events if e.get("run_id") in model_runs and str(e.get("event")).endswith("_stream")
    ]
    if not streamed:
        return None
    name = streamed[0]["event"]
    if name not in EVENT_OPTIONS:
        return None
    return Outcome(
        name,
        f"the model run (`{streamed[0].get('name')}`) emitted {len(streamed)} `{name}` events, one "
        "per chunk; the chain around it re-emits its output as `on_chain_stream`.",
    )


ASTREAM_EVENTS = Prediction(
    "token_event",
    "the chain's model is `ChatOpenAI`. Which event will carry its tokens?",
    EVENT_OPTIONS,
    _grade_events,
    'This capture has no model events to look at (`version="v3"`, or filters that left them '
    "out, or a failed run): run v2 or v1 with no filters.",
)


# --- can_cannot_stream: a generator inside RunnableLambda -----------------------------------------

LAMBDA_GENERATOR = "llm | RunnableLambda(generator)"


def _grade_lambda_generator(saved: Saved) -> Outcome | None:
    found = [m for case, m in saved["results"] if case.component == LAMBDA_GENERATOR]
    if not found or found[0].error is not None:
        return None
    m = found[0]
    when = (
        f"first text at {_ms(m.ttft_ms)}, last at {_ms(m.last_ms)}, the model finished at "
        f"{_ms(m.llm_end_ms)}"
        if None not in (m.ttft_ms, m.last_ms, m.llm_end_ms)
        else "no text"
    )
    return Outcome(VERDICT_LABELS[m.verdict], f"{_count(m.content_chunks, 'chunk')} with text; {when}.")


CAN_CANNOT_STREAM = Prediction(
    "lambda_generator",
    f"`{LAMBDA_GENERATOR}`: a generator function wrapped in `RunnableLambda`, after the model. "
    "How will it stream?",
    tuple(VERDICT_LABELS.values()),
    _grade_lambda_generator,
    "That row was not measured (the run stopped before it, or it failed).",
)


# --- streaming_vs_not: does streaming shorten the total time? ------------------------------------

SHORTER, SAME, LONGER = (
    "Clearly shorter when streaming",
    f"About the same (within {EQUAL_WITHIN_PCT:.0f}%)",
    "Clearly longer when streaming",
)


def _grade_totals(saved: Saved) -> Outcome | None:
    table = medians(saved["frame"])
    stream, invoke = mode_row(table, "stream"), mode_row(table, "invoke")
    if stream is None or invoke is None or not invoke["total_ms"]:
        return None
    diff = (stream["total_ms"] - invoke["total_ms"]) / invoke["total_ms"] * 100
    answer = SAME if abs(diff) <= EQUAL_WITHIN_PCT else SHORTER if diff < 0 else LONGER
    return Outcome(
        answer,
        f"median total {_ms(stream['total_ms'])} streamed vs {_ms(invoke['total_ms'])} invoked "
        f"({diff:+.0f}%, {stream['trials']} trials each), while the median first text moved from "
        f"{_ms(invoke['ttft_ms'])} to {_ms(stream['ttft_ms'])}.",
    )


STREAMING_VS_NOT = Prediction(
    "total_time",
    "over all trials, how will the median **total** time of streaming compare with `invoke()`?",
    (SHORTER, SAME, LONGER),
    _grade_totals,
    "One of the modes has no successful trial, so there are no medians to compare.",
)


# --- takeaways: which chain arrives as one chunk? ------------------------------------------------

NONE_OF_THEM = "None of them"
TAKEAWAY_CHAINS = tuple(CHAINS)


def _grade_chains(saved: Saved) -> Outcome | None:
    counts: Mapping[str, int] | None = saved["counts"]
    if not counts:
        return None
    single = [name for name, count in counts.items() if count == 1]
    if len(single) > 1 or any(name not in TAKEAWAY_CHAINS for name in single):
        return None
    listed = "; ".join(f"`{name}` {count}" for name, count in counts.items())
    return Outcome(single[0] if single else NONE_OF_THEM, f"chunks with text per chain: {listed}.")


TAKEAWAYS = Prediction(
    "single_chunk_chain",
    "none of the four chains sets `streaming=True`. Which one will arrive as one single chunk?",
    (*TAKEAWAY_CHAINS, NONE_OF_THEM),
    _grade_chains,
    "The chains did not all finish, or more than one arrived as one chunk.",
)


PREDICTIONS: dict[str, Prediction] = {
    "overview": OVERVIEW,
    "why_streaming": WHY_STREAMING,
    "internals": INTERNALS,
    "llm_direct": LLM_DIRECT,
    "sequence": SEQUENCE,
    "parallel": PARALLEL,
    "astream_events": ASTREAM_EVENTS,
    "can_cannot_stream": CAN_CANNOT_STREAM,
    "streaming_vs_not": STREAMING_VS_NOT,
    "takeaways": TAKEAWAYS,
}
"""Lesson id → the question its Run answers."""


def prediction_rows(graded: Mapping[str, Mapping[str, bool]]) -> pd.DataFrame:
    """One row per graded prediction (lesson order): the lesson, the question, right or wrong."""
    rows = []
    for item in LESSONS:
        for prediction_id, correct in graded.get(item.id, {}).items():
            asked = PREDICTIONS.get(item.id)
            question = asked.question if asked and asked.id == prediction_id else prediction_id
            rows.append(
                {"lesson": item.title, "prediction": question, "result": "right" if correct else "wrong"}
            )
    return pd.DataFrame(rows, columns=["lesson", "prediction", "result"])
