"""Gather one function and everything it uses into a standalone script, source copied verbatim.

A take-home script must run without this project installed, yet show the very code the lesson
ran. So instead of rewriting recipes for export, `bundle` starts from a driver's `main` and
follows every name it uses: a definition in the same module is copied (its source text, as
`inspect.getsource` would show it), a name imported from another of our modules is followed
into that module, and a name imported from anywhere else becomes an import line of the script.
Definitions come out dependencies first, so module-level values (`prompt = …`, `CASES = […]`)
find what they use already defined.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType

__all__ = ["Bundle", "BundleError", "bundle", "literal"]

OURS = "streamlab"
"""Names imported from these packages are followed into their source; others become imports."""


class BundleError(ValueError):
    """The names a script needs cannot be gathered (a clash, or a name defined nowhere)."""


@dataclass(frozen=True, slots=True)
class _Module:
    name: str
    source: str
    definitions: dict[str, ast.stmt]  # top-level name → the statement that defines it
    imports: dict[str, tuple[str | None, str]]  # bound name → (module, imported name or None)


@cache
def _parse(module_name: str) -> _Module:
    module: ModuleType = importlib.import_module(module_name)
    source = inspect.getsource(module)
    definitions: dict[str, ast.stmt] = {}
    imports: dict[str, tuple[str | None, str]] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            definitions[node.name] = node
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        definitions[name.id] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            definitions[node.target.id] = node
        elif isinstance(node, ast.Import):
            for alias in node.names:
                imports[alias.asname or alias.name.split(".")[0]] = (None, alias.name)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module != "__future__":
            for alias in node.names:
                imports[alias.asname or alias.name] = (node.module, alias.name)
    return _Module(module_name, source, definitions, imports)


def _segment(module: _Module, node: ast.stmt) -> str:
    """The statement's source lines exactly as written, with its decorators and the comment
    lines right above it (they say why: `# Real providers reject unknown fields…`)."""
    decorators = getattr(node, "decorator_list", [])
    first = min([node.lineno, *(d.lineno for d in decorators)]) - 1  # 0-based
    lines = module.source.splitlines()
    while first > 0 and lines[first - 1].lstrip().startswith("#"):
        first -= 1
    return "\n".join(lines[first : node.end_lineno])


def _used_names(node: ast.AST) -> list[str]:
    """Every name the statement reads, in order of appearance (attribute roots included)."""
    seen: dict[str, None] = {}
    for child in ast.walk(node):
        if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Load):
            seen.setdefault(child.id, None)
    return list(seen)


def literal(value: object, indent: int = 0, width: int = 100) -> str:
    """`value` as Python source in the project's format (double quotes, one item per line when
    long). Text from the learner becomes an escaped string literal: it can never become code."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # JSON's escapes are valid Python escapes
    if isinstance(value, float) and not math.isfinite(value):
        raise BundleError(f"{value!r} has no literal")
    if value is None or isinstance(value, bool | int | float):
        return repr(value)
    if isinstance(value, tuple | list):
        opening, closing, items = "[", "]", [literal(v, indent + 4, width) for v in value]
    elif isinstance(value, dict):
        opening, closing = "{", "}"
        items = [f"{literal(k)}: {literal(v, indent + 4, width)}" for k, v in value.items()]
    else:
        raise BundleError(f"no literal for a {type(value).__name__}")
    one_line = opening + ", ".join(items) + closing
    if len(one_line) + indent <= width and "\n" not in one_line:
        return one_line
    pad = " " * (indent + 4)
    return opening + "\n" + "".join(f"{pad}{item},\n" for item in items) + " " * indent + closing


@dataclass(slots=True)
class Bundle:
    """What a script needs: its import lines and its definitions, dependencies first."""

    imports: set[str] = field(default_factory=set)
    """`import x` / `from x import y` lines, one name each."""
    settings: dict[str, str] = field(default_factory=dict)
    """Overridden module-level values, as `NAME = literal` lines, in the order of `overrides`."""
    definitions: list[str] = field(default_factory=list)
    """Everything else, source text as written, dependencies first."""
    _done: dict[str, tuple[str, int]] = field(default_factory=dict)  # name → (module, line)
    _overrides: Mapping[str, object] = field(default_factory=dict)

    def add(self, module_name: str, name: str) -> None:
        """Bring `name`, as `module_name` sees it, into the script (with what it needs first)."""
        module = _parse(module_name)
        if name in module.definitions:
            self._define(module, name)
        elif name in module.imports:
            origin, imported = module.imports[name]
            if origin is not None and (origin == OURS or origin.startswith(OURS + ".")):
                if imported != name:
                    raise BundleError(f"{module_name} imports {imported} as {name}: keep one name")
                self.add(origin, name)
            elif origin is None:
                self.imports.add(f"import {imported}" + ("" if imported == name else f" as {name}"))
            else:
                alias = "" if imported == name else f" as {name}"
                self.imports.add(f"from {origin} import {imported}{alias}")
        elif not hasattr(builtins, name):
            raise BundleError(f"{module_name} uses {name!r}, defined nowhere it can be found")

    def _define(self, module: _Module, name: str) -> None:
        node = module.definitions[name]
        where = (module.name, node.lineno)
        if name in self._done:
            if self._done[name] != where:
                raise BundleError(f"two definitions of {name!r}: {self._done[name][0]}, {module.name}")
            return
        self._done[name] = where
        if name in self._overrides:  # a setting of this run, written out as a literal
            head = f"{name} = "
            self.settings[name] = head + literal(self._overrides[name], width=100 - len(head))
            return
        bound = {
            n.id for t in getattr(node, "targets", []) for n in ast.walk(t) if isinstance(n, ast.Name)
        }
        for used in _used_names(node):
            # Other names are parameters, locals or builtins: nothing to bring.
            known = used in module.definitions or used in module.imports
            if known and used not in bound and used != name:
                self.add(module.name, used)
        for other in bound - {name}:  # `a, b = …` defines both at once
            self._done[other] = where
        self.definitions.append(_segment(module, node))


def bundle(module_name: str, entry: str, overrides: Mapping[str, object] | None = None) -> Bundle:
    """`entry` of `module_name` and everything it uses; `overrides` replace module-level values
    (by name, wherever they are defined) with literals, e.g. the question the learner typed."""
    result = Bundle(_overrides=dict(overrides or {}))
    result.add(module_name, entry)
    order = list(overrides or {})
    result.settings = dict(sorted(result.settings.items(), key=lambda item: order.index(item[0])))
    return result
