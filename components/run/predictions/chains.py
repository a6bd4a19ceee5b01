"""Predictions of the chain lessons: does a chain keep streaming, which branch finishes first,
which event carries the tokens, a generator inside RunnableLambda."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from components.run.panel import Saved
from components.run.predict import Outcome, Prediction
from components.words import count, ms
from streamlab.measure.streamability import VERDICT_LABELS

SAME_FINISH_PCT = 5.0
"""Branches whose last chunks are closer than this share of the later one finish "together"."""


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
        f"its first text came at {ms(first)}, the model finished at {ms(llm_done)}"
        if pd.notna(first) and pd.notna(llm_done)
        else "it produced no timing"
    )
    return Outcome(
        YES_LAST_STEP if streams else NO_COLLAPSED,
        f"`{BLOCKED}` yielded {count(row['with text'], 'chunk')} with text; {timing}.",
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
    ttfts = ", ".join(f"`{n}` {ms(branches[n]['ttft_ms'] or 0)}" for n in names)
    return Outcome(
        TOGETHER if together else f"`{a}`",
        f"`{a}` sent its last chunk at {ms(a_ms)}, `{b}` at {ms(b_ms)} "
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
        f"first text at {ms(m.ttft_ms)}, last at {ms(m.last_ms)}, the model finished at "
        f"{ms(m.llm_end_ms)}"
        if None not in (m.ttft_ms, m.last_ms, m.llm_end_ms)
        else "no text"
    )
    return Outcome(VERDICT_LABELS[m.verdict], f"{count(m.content_chunks, 'chunk')} with text; {when}.")


CAN_CANNOT_STREAM = Prediction(
    "lambda_generator",
    f"`{LAMBDA_GENERATOR}`: a generator function wrapped in `RunnableLambda`, after the model. "
    "How will it stream?",
    tuple(VERDICT_LABELS.values()),
    _grade_lambda_generator,
    "That row was not measured (the run stopped before it, or it failed).",
)
