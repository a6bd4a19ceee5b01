"""No emoji in any text the app can put on a page.

Many machines (most Linux boxes and containers, this project's test machine) have no emoji font:
an emoji draws as an empty box, and whatever meaning it carried is lost. The page says it with
Streamlit's Material icons (`:material/check_circle:`) or with words instead. Every string and
comment under lessons/, components/ and streamlab/ is scanned (comments too: recipes are shown
with `inspect.getsource`), with escapes decoded, so `"\\u2705"` is caught as well as a literal ✅.
"""

from __future__ import annotations

import ast
import tokenize
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.glyphs import is_emoji

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ("app.py", "lessons", "components", "streamlab")
TEXT_SUFFIXES = {".py", ".html", ".css", ".js", ".md", ".toml", ".txt"}


def page_files() -> list[Path]:
    files: list[Path] = []
    for name in SCANNED:
        path = ROOT / name
        candidates = [path] if path.is_file() else sorted(path.rglob("*"))
        files += [f for f in candidates if f.suffix in TEXT_SUFFIXES and "__pycache__" not in f.parts]
    return files


def texts(path: Path) -> Iterator[tuple[int, str]]:
    """(line, text) of every string constant (escapes decoded) and comment; whole lines elsewhere."""
    source = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        yield from enumerate(source.splitlines(), 1)
        return
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value
    with path.open("rb") as handle:
        for token in tokenize.tokenize(handle.readline):
            if token.type == tokenize.COMMENT:
                yield token.start[0], token.string


def emoji_in(path: Path) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{line}: U+{ord(c):04X} {unicodedata.name(c, '?')}"
        for line, text in texts(path)
        for c in text
        if is_emoji(c)
    ]


@pytest.mark.parametrize(
    "char, expected",
    [
        ("✅", True), ("❌", True), ("⬜", True), ("⚠", True), ("➕", True), ("↩", True),
        ("\N{ROCKET}", True), ("\ufe0f", True), ("\N{EMOJI MODIFIER FITZPATRICK TYPE-3}", True),
        ("\u20e3", True), ("★", True),
        ("→", False), ("↓", False), ("≤", False), ("×", False), ("≠", False), ("±", False),
        ("°", False), ("└", False), ("…", False), ("—", False), ("·", False), ("Δ", False),
        ("é", False), ("\u2060", False), ("\u00a0", False),
    ],
)  # fmt: skip
def test_is_emoji_when_given_a_code_point_then_flags_only_what_needs_an_emoji_font(char, expected):
    assert is_emoji(char) is expected


def test_scan_when_a_file_hides_an_emoji_in_an_escape_or_a_comment_then_finds_both(tmp_path):
    path = tmp_path / "sample.py"
    path.write_text(
        'OK = "done → next"\nMARK = "\\u2705 ran"  # shown \N{CROSS MARK}\n', encoding="utf-8"
    )
    found = [(line, c) for line, text in texts(path) for c in text if is_emoji(c)]
    assert found == [(2, "✅"), (2, "❌")]


def test_page_sources_when_scanned_then_hold_no_emoji():
    files = page_files()
    assert len(files) > 100 and ROOT / "app.py" in files  # the scan sees the whole app
    found = [hit for path in files for hit in emoji_in(path)]
    assert found == [], "\n".join(found)
