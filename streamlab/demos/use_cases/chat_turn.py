"""One streamed chat reply that can be stopped for real, and the history it is saved into.

Stopping is only real if the upstream generator is closed: then langchain-openai closes the HTTP
response and the server stops generating. A Streamlit script is interrupted by an exception at
its next `st.*` call (a click on Stop reruns it), which skips the rest of a `for` loop without
closing anything; `ChatTurn.close()` in a `finally` does it, and keeps the text streamed so far.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from streamlab.measure.recorder import StreamRecorder, chunk_text

__all__ = ["ChatMessage", "ChatTurn", "TurnStatus", "to_messages"]

TurnStatus = Literal["complete", "stopped", "error"]


class ChatMessage(TypedDict, total=False):
    """One entry of the chat history kept in `st.session_state`."""

    role: Literal["user", "assistant"]
    """Who wrote it."""
    content: str
    """The text; for a stopped reply, what had arrived before the stop."""
    status: TurnStatus
    """For replies: streamed to the end, stopped early, or cut by an error."""
    tokens: int
    """For replies: text chunks received."""
    proof: dict[str, Any]
    """For stopped replies on the embedded simulator: what the server counted (see stop_probe)."""


def to_messages(history: Sequence[ChatMessage]) -> list[BaseMessage]:
    """History entries as LangChain messages (stopped replies included, as the user saw them)."""
    return [
        HumanMessage(m["content"]) if m["role"] == "user" else AIMessage(m["content"])
        for m in history
        if m.get("content")
    ]


@dataclass(slots=True)
class ChatTurn:
    """A reply being streamed from `source()`; `close()` it in a `finally`."""

    source: Callable[[], Iterable[object]]
    stop_after: int | None = None  # stop by ourselves after this many text chunks
    recorder: StreamRecorder = field(default_factory=lambda: StreamRecorder(label="reply"))
    text: str = ""
    tokens: int = 0
    stopped_early: bool = False
    saved: threading.Event = field(default_factory=threading.Event, repr=False)  # set by the UI
    _pieces: Iterator[str] | None = field(default=None, repr=False)

    def pieces(self) -> Iterator[str]:
        """The reply's text pieces (one generator per turn: calling again returns the same one)."""
        if self._pieces is None:
            self._pieces = self._iterate()
        return self._pieces

    def _iterate(self) -> Iterator[str]:
        stream = self.recorder.wrap(self.source)
        try:
            for chunk in stream:
                piece = chunk_text(chunk)
                if not piece:
                    continue
                self.text += piece
                self.tokens += 1
                yield piece
                if self.stop_after is not None and self.tokens >= self.stop_after:
                    self.stopped_early = True
                    return
        finally:
            stream.close()  # StreamRecorder closes the upstream generator: the request ends

    def close(self) -> None:
        """Stop the stream if it is still open (safe to call twice, or after it finished)."""
        if self._pieces is not None:
            self._pieces.close()  # type: ignore[attr-defined]

    @property
    def status(self) -> TurnStatus:
        if self.recorder.error is not None:
            return "error"
        return "complete" if self.recorder.complete and not self.stopped_early else "stopped"

    def to_message(self, *, proof: dict[str, Any] | None = None) -> ChatMessage:
        """The reply as a history entry; `proof` is what the server counted for a stopped one."""
        message = ChatMessage(
            role="assistant", content=self.text, status=self.status, tokens=self.tokens
        )
        if proof is not None:
            message["proof"] = proof
        return message
