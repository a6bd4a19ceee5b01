"""streamlab/ is the UI-free core: importing all of it must never pull in streamlit."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import streamlab

ROOT = Path(__file__).resolve().parents[1]


def test_streamlab_never_imports_streamlit():
    modules = [m.name for m in pkgutil.walk_packages(streamlab.__path__, "streamlab.")]
    assert len(modules) > 20
    code = (
        f"import importlib, sys\nfor name in {modules!r}:\n    importlib.import_module(name)\n"
        "print('streamlit' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_no_streamlit_import_statement_in_streamlab():
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "streamlab").rglob("*.py")
        if "import streamlit" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []
