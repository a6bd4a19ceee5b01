"""Which code points need an emoji font (most Linux machines have none: they draw as empty boxes).

Shared by the source scan (tests/test_glyphs.py) and the browser pass over every lesson
(tests/e2e/test_accessibility_browser.py). A Unicode-category check: symbols "So" (✅ ❌ ⬜ ⚠ ➕ ↩ ★)
are emoji-prone, math symbols and arrows "Sm" (→ ≤ × ≠ ±) are in every text font.
"""

from __future__ import annotations

import unicodedata

__all__ = ["FONT_SYMBOLS", "emoji_in_text", "is_emoji"]

# The "So" symbols every text font has: degree, box drawing (└ ─).
FONT_SYMBOLS = frozenset({"°"} | {chr(cp) for cp in range(0x2500, 0x2580)})


def is_emoji(char: str) -> bool:
    """True for a code point that needs an emoji font (or makes its neighbour an emoji)."""
    cp = ord(char)
    category = unicodedata.category(char)
    return (
        cp >= 0x1F000  # pictographs, emoticons, transport, flags, skin tones, symbols-extended
        or (category == "So" and char not in FONT_SYMBOLS)  # ✅ ❌ ⬜ ⚠ ➕ ↩ ★ ☀ …
        or category in {"Me", "Co"}  # enclosing keycap, private use
        or cp in {0x200D, 0xFE0E, 0xFE0F}  # zero-width joiner, text/emoji presentation selectors
    )


def emoji_in_text(text: str) -> list[str]:
    """Each emoji code point in `text`, as `U+XXXX NAME`, in order of appearance."""
    return [f"U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in text if is_emoji(c)]
