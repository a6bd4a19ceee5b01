"""The floor plan, enforced: streamlab/ never imports streamlit, imports only flow downwards
(lessons → components → {lab, demos} → recipes → measure → client → sim), and every lesson has
one name in every layer."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import streamlab
from streamlab.catalog import LESSONS

ROOT = Path(__file__).resolve().parents[1]

# Layer of each part of the tree: a module may import its own layer and the layers below it.
# lab and demos share a layer but never import each other (two independent wings).
LAYERS: dict[str, int] = {
    "streamlab": 0,  # the package itself and the catalog: they import nothing of ours
    "streamlab.catalog": 0,
    "streamlab.sim": 0,
    "streamlab.client": 1,
    "streamlab.measure": 2,
    "streamlab.recipes": 3,
    "streamlab.lab": 4,
    "streamlab.demos": 4,
    "streamlab.server": 5,  # entry points kept for their documented `python -m` commands
    "streamlab.chat_api": 5,
    "streamlab.take_home": 5,  # copies recipes (and a lab experiment's settings) into scripts
    "components": 6,
    "lessons": 7,
    "app": 8,
}
SIBLINGS_APART = {("streamlab.lab", "streamlab.demos"), ("streamlab.demos", "streamlab.lab")}
ANYONE_MAY_IMPORT = {"streamlab.catalog", "streamlab"}


def part_of(module: str) -> str | None:
    """The LAYERS key `module` belongs to (longest match), or None for third-party modules."""
    for part in sorted(LAYERS, key=len, reverse=True):
        if module == part or module.startswith(part + "."):
            return part
    return None


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, at any depth (function-level imports too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def our_sources() -> list[Path]:
    return [
        *sorted((ROOT / "streamlab").rglob("*.py")),
        *sorted((ROOT / "components").rglob("*.py")),
        *sorted((ROOT / "lessons").glob("*.py")),
        ROOT / "app.py",
    ]


def upward_imports(path: Path) -> list[str]:
    source = "lessons" if path.parent.name == "lessons" else part_of(module_name(path))
    assert source is not None, path
    wrong = []
    for target in sorted(imported_modules(path)):
        if target in ANYONE_MAY_IMPORT or (into := part_of(target)) is None:
            continue
        if LAYERS[into] > LAYERS[source] or (source, into) in SIBLINGS_APART:
            wrong.append(f"{path.relative_to(ROOT)} imports {target} ({source} → {into})")
    return wrong


def test_imports_only_flow_down_the_layers():
    offenders = [line for path in our_sources() for line in upward_imports(path)]
    assert offenders == []


@pytest.mark.parametrize(
    "source, target, allowed",
    [
        ("streamlab/sim/server.py", "streamlab.client.providers", False),
        ("streamlab/recipes/parallel.py", "streamlab.measure.recorder", True),
        ("streamlab/measure/recorder.py", "streamlab.recipes.parallel", False),
        ("streamlab/lab/runner.py", "streamlab.demos.parallel", False),
        ("components/sidebar.py", "streamlab.lab.links", True),
        ("streamlab/lab/runner.py", "components.sidebar", False),
        ("streamlab/sim/server.py", "streamlab.catalog", True),
    ],
)
def test_the_layer_rule_itself(source, target, allowed, monkeypatch):
    fake = ROOT / source
    monkeypatch.setattr(sys.modules[__name__], "imported_modules", lambda path: {target})
    assert (upward_imports(fake) == []) is allowed


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
        if any(m.split(".")[0] == "streamlit" for m in imported_modules(p))
    ]
    assert offenders == []


def stems_in(folder: Path) -> set[str]:
    """Module and package names in `folder`, without `__init__`."""
    return {p.stem for p in folder.glob("*.py") if p.stem != "__init__"} | {
        p.name for p in folder.iterdir() if p.is_dir() and (p / "__init__.py").exists()
    }


def test_every_lesson_has_one_name_in_every_layer():
    stems = {x.id for x in LESSONS}
    teaching = {x.id for x in LESSONS if x.teaches}  # a workshop page (the class board) has no recipe
    assert {p.name for p in (ROOT / "lessons").glob("*.py")} == {Path(x.file).name for x in LESSONS}
    assert stems_in(ROOT / "streamlab/recipes") == teaching
    assert stems_in(ROOT / "components/views") == stems
    assert stems_in(ROOT / "streamlab/demos") <= teaching  # not every lesson needs more than a recipe
    assert {p.stem.removeprefix("test_") for p in (ROOT / "tests/lessons").glob("test_*.py")} == stems
