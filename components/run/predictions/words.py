"""How a grade's explanation writes numbers."""

from __future__ import annotations

__all__ = ["count", "ms"]


def ms(value: float) -> str:
    return f"{value:,.0f} ms"


def count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
