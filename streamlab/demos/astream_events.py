"""Check the seed's `astream_events` claims against real captures, and filter the event table.

The seed lists `on_llm_stream` and runs `version="v1"`; `seed_claims` compares a handful of
captures of the same chain (v1, v2, and the `include_types` / OR-combined filters) and says, for
each claim, what actually happened. `filter_rows` is the table's own post-capture filter.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from streamlab.measure.events import CapturedEvents

__all__ = [
    "CLAIM_RUNS",
    "ClaimCheck",
    "capture_claim_runs",
    "describe",
    "end_output",
    "event_names",
    "filter_options",
    "filter_rows",
    "langchain_warnings",
    "seed_claims",
    "to_claims_table",
]

# One capture per entry: (version, include_* filters); seed_claims reads them by key.
CLAIM_RUNS: dict[str, tuple[str, dict[str, list[str]]]] = {
    "v1": ("v1", {}),
    "v2": ("v2", {}),
    "llm": ("v2", {"include_types": ["llm"]}),
    "chat_model": ("v2", {"include_types": ["chat_model"]}),
    "prompt": ("v2", {"include_types": ["prompt"]}),
    "lambda": ("v2", {"include_names": ["RunnableLambda"]}),
    "prompt_or_lambda": ("v2", {"include_types": ["prompt"], "include_names": ["RunnableLambda"]}),
}


@dataclass(frozen=True, slots=True)
class ClaimCheck:
    claim: str
    seed: str
    observed: str
    seed_right: bool | None  # None: the seed does not say; the row adds a fact


def langchain_warnings(captured: CapturedEvents) -> list[str]:
    """The LangChain warnings of a capture (deprecation, beta). Capturing is process-global, so
    unrelated warnings raised meanwhile (e.g. a ResourceWarning from garbage collection) are dropped."""
    return [w for w in captured.warnings if w.startswith("LangChain")]


def event_names(captured: CapturedEvents) -> list[str]:
    return [timed.event["event"] for timed in captured.events]


def _count(captured: CapturedEvents, name: str) -> int:
    return event_names(captured).count(name)


def _run_keys(captured: CapturedEvents) -> list[tuple[str, str]]:
    return [(timed.event["event"], timed.event["name"]) for timed in captured.events]


async def capture_claim_runs(
    capture: Callable[..., Awaitable[CapturedEvents]],
) -> dict[str, CapturedEvents]:
    """Run `capture(version=..., **filters)` once per `CLAIM_RUNS` entry, one after the other."""
    return {key: await capture(version=v, **filters) for key, (v, filters) in CLAIM_RUNS.items()}


def seed_claims(runs: dict[str, CapturedEvents]) -> list[ClaimCheck]:
    """What the seed says about astream_events vs what the captures in `runs` show."""
    v1, v2 = runs["v1"], runs["v2"]
    llm_stream, chat_stream = _count(v2, "on_llm_stream"), _count(v2, "on_chat_model_stream")
    with_parents = {v: sum(bool(t.event.get("parent_ids")) for t in runs[v].events) for v in runs}
    union = set(_run_keys(runs["prompt"])) | set(_run_keys(runs["lambda"]))
    both = runs["prompt_or_lambda"]
    return [
        ClaimCheck("Token events", "on_llm_stream",
                   f"{llm_stream} × on_llm_stream, {chat_stream} × on_chat_model_stream "
                   "(a chat model reports on_chat_model_*)", llm_stream > 0),
        ClaimCheck("Selecting the model's events", "on_llm_* events, i.e. run type llm",
                   f'include_types=["llm"] → {len(runs["llm"].events)} events; '
                   f'["chat_model"] → {len(runs["chat_model"].events)} events',
                   bool(runs["llm"].events)),
        ClaimCheck("version", 'version="v1"',
                   "; ".join(langchain_warnings(v1)) or "no warning", not langchain_warnings(v1)),
        ClaimCheck("v1 vs v2", "(not mentioned)",
                   f"same {len(v1.events)} event names in the same order: "
                   f"{event_names(v1) == event_names(v2)}; events with parent_ids: "
                   f"v1 {with_parents['v1']}, v2 {with_parents['v2']}; on_chat_model_end output: "
                   f"v1 {end_output(v1)}, v2 {end_output(v2)}", None),
        ClaimCheck("Several filters", "(not mentioned)",
                   f'types=["prompt"] → {len(runs["prompt"].events)}, names=["RunnableLambda"] → '
                   f'{len(runs["lambda"].events)}, both → {len(both.events)} events '
                   f"(OR: {set(_run_keys(both)) == union})", None),
    ]  # fmt: skip


def end_output(captured: CapturedEvents) -> str:
    """What the chat model's end event carries as `data["output"]`: a message, or v1's dict."""
    for timed in captured.events:
        if timed.event["event"] == "on_chat_model_end":
            output = timed.event["data"].get("output")
            if isinstance(output, dict):
                return f"a dict ({', '.join(sorted(output))})"
            return type(output).__name__
    return "no on_chat_model_end event"


_VERDICTS = {True: "holds", False: "wrong or dated", None: "not in the seed"}


def to_claims_table(checks: Iterable[ClaimCheck]) -> pd.DataFrame:
    rows = [
        {"claim": c.claim, "verdict": _VERDICTS[c.seed_right], "the seed": c.seed,
         "observed": c.observed}
        for c in checks
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["claim", "verdict", "the seed", "observed"])


# --- the table's own filters (after the capture) -------------------------------------------------


def filter_options(rows: pd.DataFrame) -> dict[str, list[str]]:
    """Distinct event names, run names and tags in `events.to_dataframe()` rows, sorted."""
    if rows.empty:
        return {"event": [], "name": [], "tags": []}
    tags = sorted({tag for tags in rows["tags"] for tag in tags})
    return {"event": sorted(rows["event"].unique()), "name": sorted(rows["name"].unique()), "tags": tags}


def filter_rows(
    rows: pd.DataFrame,
    *,
    events: Sequence[str] = (),
    names: Sequence[str] = (),
    tags: Sequence[str] = (),
) -> pd.DataFrame:
    """Rows matching every non-empty selection (within one selection, any value matches)."""
    mask = pd.Series(True, index=rows.index)
    if events:
        mask &= rows["event"].isin(list(events))
    if names:
        mask &= rows["name"].isin(list(names))
    if tags:
        wanted = set(tags)
        mask &= rows["tags"].map(lambda row_tags: bool(wanted & set(row_tags)))
    return rows[mask]


def describe(captured: CapturedEvents) -> dict[str, Any]:
    """Counts for the metric row: events, runs, token events by kind, total time."""
    names = event_names(captured)
    return {
        "events": len(names),
        "runs": len({str(t.event["run_id"]) for t in captured.events}),
        "on_chat_model_stream": names.count("on_chat_model_stream"),
        "on_llm_stream": names.count("on_llm_stream"),
        "total_ms": captured.total_ms,
    }
