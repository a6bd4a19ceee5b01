"""Predictions graded from trials and from the takeaways page's four chains."""

from __future__ import annotations

from collections.abc import Mapping

from components.run.panel import Saved
from components.run.predict import Outcome, Prediction
from components.words import ms
from streamlab.measure.trials import EQUAL_WITHIN_PCT, medians, mode_row
from streamlab.recipes.takeaways import CHAINS

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
        f"median total {ms(stream['total_ms'])} streamed vs {ms(invoke['total_ms'])} invoked "
        f"({diff:+.0f}%, {stream['trials']} trials each), while the median first text moved from "
        f"{ms(invoke['ttft_ms'])} to {ms(stream['ttft_ms'])}.",
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
