"""How pages write measured numbers in text: one format for every card and explanation."""

from __future__ import annotations

__all__ = ["count", "ms"]


def ms(value: float | None) -> str:
    """`1,234 ms`; `—` when there is nothing measured."""
    return "—" if value is None else f"{value:,.0f} ms"


def count(n: int, noun: str) -> str:
    """`1 chunk`, `3 chunks`."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
