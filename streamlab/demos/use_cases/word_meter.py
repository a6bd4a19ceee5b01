"""Live word count and reading speed for a long answer, as pieces of text arrive.

Counting words per chunk would be wrong (a chunk can end mid-word), so the count is taken on
the text so far; the speed runs from the first text, so it excludes the wait for the first token.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["WordMeter"]


@dataclass(slots=True)
class WordMeter:
    clock: Callable[[], float] = time.perf_counter
    text: str = ""
    pieces: int = 0
    start_s: float | None = None
    first_s: float | None = None
    last_s: float | None = None
    finish_reason: str | None = None
    _words: int = field(default=0, repr=False)

    def start(self) -> None:
        if self.start_s is None:
            self.start_s = self.clock()

    def add(self, piece: str) -> None:
        if not piece:
            return
        now = self.clock()
        self.start()
        self.first_s = now if self.first_s is None else self.first_s
        self.last_s = now
        self.text += piece
        self.pieces += 1
        self._words = len(self.text.split())

    @property
    def words(self) -> int:
        return self._words

    @property
    def elapsed_s(self) -> float:
        return 0.0 if self.start_s is None else self.clock() - self.start_s

    @property
    def words_per_s(self) -> float | None:
        """Words / seconds since the first text (None until two pieces have arrived)."""
        if self.first_s is None or self.last_s is None or self.last_s <= self.first_s:
            return None
        return self._words / (self.last_s - self.first_s)
