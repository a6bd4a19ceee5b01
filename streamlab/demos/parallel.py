"""Follow a RunnableParallel stream branch by branch, and judge what it proves.

The parallel lesson draws each branch live and lists the raw dict chunks; `BranchBoard` keeps
that running state (text, TTFT, finish reason, a capped log of chunk reprs) without any UI, and
`concurrency` / `parallel_checks` turn a finished run into the numbers and verdicts the page shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from langchain_core.runnables.utils import AddableDict
from langchain_openai import ChatOpenAI

from streamlab.client.providers import ProviderConfig, build_chat_model
from streamlab.measure.recorder import chunk_text
from streamlab.sim.answers import LatencyProfile

if TYPE_CHECKING:
    import pandas as pd

    from streamlab.measure.recorder import StreamRecorder

__all__ = [
    "BRANCH_MODELS",
    "BranchBoard",
    "BranchRecording",
    "BranchState",
    "Check",
    "Concurrency",
    "branch_sims",
    "build_branch_models",
    "concurrency",
    "describe_total",
    "for_sim_model",
    "parallel_checks",
    "short_repr",
]

# The seed's gpt-3.5-turbo / gpt-4 pair, as the simulator's fast and detailed models.
BRANCH_MODELS = {"short": "sim-fast", "detailed": "sim-detailed"}
DETAILED_TTFT_FACTOR = 4.0  # like gpt-4 next to gpt-3.5-turbo: a longer wait…
DETAILED_SPEED_FACTOR = 0.4  # …and fewer tokens per second
LOG_LIMIT = 400  # lines kept in the raw-chunk log; a long answer has a few hundred chunks
REPR_WIDTH = 150


def for_sim_model(config: ProviderConfig, sim_model: str) -> ProviderConfig:
    """`config` with a simulator model for the embedded provider; real providers keep their model."""
    return config.with_model(sim_model) if config.kind == "embedded" else config


def branch_sims(profile: LatencyProfile | None) -> dict[str, dict[str, float]]:
    """Per-branch `sim` latency: `short` = the sidebar; `detailed` waits 4× as long, 0.4× as fast."""
    base = profile or LatencyProfile()
    return {
        "short": {"ttft_ms": base.ttft_ms, "tokens_per_s": base.tokens_per_s},
        "detailed": {
            "ttft_ms": base.ttft_ms * DETAILED_TTFT_FACTOR,
            "tokens_per_s": base.tokens_per_s * DETAILED_SPEED_FACTOR,
        },
    }


def build_branch_models(
    config: ProviderConfig, *, extra_sims: Mapping[str, Mapping[str, Any]] | None = None, **kwargs: Any
) -> dict[str, ChatOpenAI]:
    """One ChatOpenAI per branch, each with its own model and latency (sim only for the embedded one).

    `extra_sims` adds per-branch simulator fields, e.g. `{"short": {"trace_id": ...}}`, so each
    branch's request gets its own server trace.
    """
    sims = branch_sims(config.profile)
    extra = extra_sims or {}
    return {
        name: build_chat_model(
            for_sim_model(config, model), sim={**sims[name], **extra.get(name, {})}, **kwargs
        )
        for name, model in BRANCH_MODELS.items()
    }


@dataclass(frozen=True, slots=True)
class BranchRecording:
    """One branch of a recorded RunnableParallel stream, shaped like a recorder of its own.

    All branches share the recorder's start (the request start of both branches), and
    `to_dataframe()` keeps only this branch's rows: what LangChain received for it.
    """

    recorder: StreamRecorder
    branch: str

    @property
    def start_ns(self) -> int | None:
        return self.recorder.start_ns

    def to_dataframe(self) -> pd.DataFrame:
        frame = self.recorder.to_dataframe()
        return frame[frame["branch"] == self.branch].reset_index(drop=True)


def short_repr(value: object, width: int = REPR_WIDTH) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def describe_total(total: Mapping[str, Any] | None, preview: int = 40) -> str:
    """`AddableDict({'short': AIMessageChunk(content='RAG stands…', 287 chars), …})`, one line."""
    if not total:
        return "None"
    parts = []
    for name, value in total.items():
        text = chunk_text(value)
        head = text if len(text) <= preview else text[: preview - 1] + "…"
        parts.append(f"{name!r}: {type(value).__name__}(content={head!r}, {len(text)} chars)")
    return f"{type(total).__name__}({{{', '.join(parts)}}})"


@dataclass(slots=True)
class BranchState:
    text: str = ""
    chunks: int = 0
    content_chunks: int = 0
    first_ms: float | None = None  # first chunk with text: the branch's TTFT
    last_ms: float | None = None
    finish_reason: str | None = None


@dataclass(slots=True)
class BranchBoard:
    """Running state of a RunnableParallel stream; `add()` each dict chunk as it arrives."""

    names: list[str]
    log_limit: int = LOG_LIMIT
    branches: dict[str, BranchState] = field(init=False)
    log: list[str] = field(default_factory=list)
    chunks: int = 0
    multi_key_chunks: int = 0  # chunks with more (or fewer) than one key
    total: Any = None  # all chunks added up with `+`
    order: list[str] = field(default_factory=list)  # branch of each content chunk, in arrival order

    def __post_init__(self) -> None:
        self.branches = {name: BranchState() for name in self.names}

    def add(self, chunk: Mapping[str, Any], t_ms: float) -> None:
        self.chunks += 1
        self.multi_key_chunks += len(chunk) != 1
        chunk = chunk if isinstance(chunk, AddableDict) else AddableDict(chunk)
        self.total = chunk if self.total is None else self.total + chunk
        if len(self.log) < self.log_limit:
            self.log.append(f"{t_ms:8.1f} ms  {short_repr(chunk)}")
        for name, value in chunk.items():
            self._add_to_branch(str(name), value, t_ms)

    def _add_to_branch(self, name: str, value: Any, t_ms: float) -> None:
        state = self.branches.setdefault(name, BranchState())
        piece = chunk_text(value)
        state.chunks += 1
        state.last_ms = t_ms
        if piece:
            state.text += piece
            state.content_chunks += 1
            state.first_ms = t_ms if state.first_ms is None else state.first_ms
            self.order.append(name)
        reason = getattr(value, "response_metadata", {}).get("finish_reason")
        state.finish_reason = reason or state.finish_reason

    @property
    def log_truncated(self) -> bool:
        return self.chunks > len(self.log)

    @property
    def switches(self) -> int:
        """How often consecutive text chunks came from different branches.

        1 means one branch after the other; 2 or more means a branch resumed after another had
        sent text, i.e. the branches interleaved.
        """
        return sum(a != b for a, b in zip(self.order, self.order[1:], strict=False))


@dataclass(frozen=True, slots=True)
class Concurrency:
    parallel_ms: float  # the whole RunnableParallel stream
    branch_ms: dict[str, float]  # each branch's last chunk, measured in the same parallel run
    sequential_ms: float | None = None  # the same branches, one after the other (if measured)

    @property
    def slowest_ms(self) -> float:
        return max(self.branch_ms.values(), default=0.0)

    @property
    def sum_ms(self) -> float:
        return sum(self.branch_ms.values())

    def summary(self) -> str:
        text = (
            f"The parallel run took **{self.parallel_ms:,.0f} ms**: about as long as its slowest branch "
            f"({self.slowest_ms:,.0f} ms), not the sum of both ({self.sum_ms:,.0f} ms)."
        )
        if self.sequential_ms is not None:
            text += f" Run one after the other, the same branches took **{self.sequential_ms:,.0f} ms**."
        return text


def concurrency(
    summary: Mapping[str, Any], sequential_summary: Mapping[str, Any] | None = None
) -> Concurrency:
    """From `StreamRecorder.summary()` of the parallel run (and of the baseline, if any)."""
    branch_ms = {
        name: float(metrics["total_ms"])
        for name, metrics in summary.get("branches", {}).items()
        if metrics.get("total_ms") is not None
    }
    sequential = sequential_summary.get("total_ms") if sequential_summary else None
    return Concurrency(float(summary.get("total_ms") or 0.0), branch_ms, sequential)


@dataclass(frozen=True, slots=True)
class Check:
    claim: str
    ok: bool
    evidence: str


def parallel_checks(board: BranchBoard, expected: Iterable[str]) -> list[Check]:
    """What the lesson claims about the chunks, checked on the run that just happened."""
    expected = sorted(expected)
    seen = sorted(board.branches)
    total = board.total or {}
    summed = {name: chunk_text(value) for name, value in total.items()}
    streamed = {name: state.text for name, state in board.branches.items()}
    return [
        Check("Every chunk is a one-key dict", board.multi_key_chunks == 0 and board.chunks > 0,
              f"{board.chunks - board.multi_key_chunks} of {board.chunks} chunks have exactly one key"),
        Check("The keys are the branch names", seen == expected, f"keys seen: {seen}"),
        Check("Chunks from both branches interleave", board.switches >= 2,
              f"the branch changed {board.switches} times between consecutive text chunks"),
        Check("Adding the chunks up gives the full dict", summed == streamed and bool(summed),
              f"sum of chunks: {type(total).__name__} with "
              + ", ".join(f"{k}: {len(v)} chars" for k, v in summed.items())),
    ]  # fmt: skip
