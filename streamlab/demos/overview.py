"""Where a run is in the seed's pipeline: Input → Runnable (LLM) → Token Stream → UI / Client.

The overview lesson animates that diagram from a real run. This module holds only the state:
which box is busy, what each box says, and which chunk is on its way to the UI, so the
drawing (components/views/overview.py) is a pure function of a `FlowFrame`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from streamlab.measure.recorder import StreamRecorder, chunk_text

__all__ = [
    "STAGES",
    "STAGE_TITLES",
    "FlowFrame",
    "FlowTracker",
    "Mode",
    "Stage",
    "arrow_chain",
    "invoke_as_stream",
    "mental_model",
]

T = TypeVar("T")

Stage = Literal["input", "runnable", "stream", "ui"]
Mode = Literal["stream", "invoke"]
STAGES: tuple[Stage, ...] = ("input", "runnable", "stream", "ui")
STAGE_TITLES = {
    "input": "Input",
    "runnable": "Runnable (LLM)",
    "stream": "Token Stream",
    "ui": "UI / Client",
}
_LABEL_CHARS = 40


def _short(text: str, width: int = _LABEL_CHARS) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@dataclass(frozen=True, slots=True)
class FlowFrame:
    """One picture of the pipeline."""

    mode: Mode
    step: int  # increases with every frame, so two frames never look identical
    active: frozenset[Stage]  # boxes that are busy right now
    done: frozenset[Stage]  # boxes that have finished their part
    details: dict[Stage, str] = field(default_factory=dict)  # one line under each box title
    packet: str | None = None  # label of what travels on the arrow into the UI box


class FlowTracker:
    """Turns the events of one run into `FlowFrame`s: sent → chunk, chunk, … → finished."""

    def __init__(self, prompt: str, mode: Mode) -> None:
        self.mode = mode
        self.prompt = prompt
        self.text = ""
        self.chunks = 0
        self.content_chunks = 0
        self._step = 0

    def _frame(
        self, active: set[Stage], done: set[Stage], details: dict[Stage, str], packet: str | None = None
    ) -> FlowFrame:
        self._step += 1
        base: dict[Stage, str] = {"input": repr(_short(self.prompt))}
        return FlowFrame(
            self.mode, self._step, frozenset(active), frozenset(done), base | details, packet
        )

    def sent(self) -> FlowFrame:
        """The request has left; nothing has come back yet."""
        stream = "waiting for the first chunk" if self.mode == "stream" else "not used by invoke()"
        return self._frame(
            {"runnable"},
            {"input"},
            {"runnable": "generating…", "stream": stream, "ui": "blank: nothing to show yet"},
        )

    def arrived(self, chunk: object) -> FlowFrame:
        """A chunk (stream) or the whole message (invoke) reached the client."""
        piece = chunk_text(chunk)
        self.chunks += 1
        self.content_chunks += bool(piece)
        self.text += piece
        if self.mode == "invoke":
            return self.finished()
        label = f"chunk #{self.chunks - 1}: {_short(piece)!r}"
        return self._frame(
            {"runnable", "stream", "ui"},
            {"input"},
            {"runnable": "still generating…", "stream": label, "ui": f"{len(self.text)} chars shown"},
            packet=label,
        )

    def finished(self) -> FlowFrame:
        """The run is over; the UI holds the whole answer."""
        done: set[Stage] = {"input", "runnable", "stream", "ui"}
        if self.mode == "invoke":
            stream = "skipped: one AIMessage"
            packet = f"1 AIMessage, {len(self.text)} chars"
            done.discard("stream")
        else:
            stream = f"{self.chunks} chunks ({self.content_chunks} with text)"
            packet = None
        return self._frame(
            set(),
            done,
            {"runnable": "done", "stream": stream, "ui": f"{len(self.text)} chars shown"},
            packet=packet,
        )


def arrow_chain(texts: list[str], *, head: int = 6, tail: int = 4) -> str:
    """`'' → 'Stream' → 'ing' → … → '' → ''`: a run's chunk texts as the seed's mental model."""
    shown = [repr(t) for t in texts]
    if len(shown) > head + tail + 1:
        shown = [*shown[:head], f"… {len(texts) - head - tail} more …", *shown[-tail:]]
    return " → ".join(shown)


def mental_model(invoke_text: str | None, stream_texts: list[str]) -> str:
    """The seed's two lines, `invoke() → result` and `stream() → chunk → …`, with this run's values."""
    result = "(no result)" if invoke_text is None else f"AIMessage(content={_short(invoke_text, 40)!r})"
    return f"invoke() → {result}\nstream() → {arrow_chain(stream_texts)}"


def invoke_as_stream(recorder: StreamRecorder, fn: Callable[[], T]) -> Iterator[T]:
    """`fn()`'s result as a one-item stream, timed with `record_invoke`.

    The call starts only when iteration starts (so a "request sent" frame can be drawn first),
    and the total time stops when `fn` returns, not after the UI has drawn the result.
    """
    yield recorder.record_invoke(fn)
