"""The bundler: definitions copied verbatim, dependencies first, imports kept only where used, and
the run's settings written as literals that no learner text can turn into code."""

from __future__ import annotations

import ast

import pytest

from streamlab.take_home.bundle import BundleError, bundle, literal

HOSTILE = [
    'Explain "RAG"',
    "it's",
    '"""; import os; os.system("echo pwned") #',
    "line one\nline two\r\n\ttab",
    "back\\slash \\n not a newline",
    "naïve — ünïcode 🙂 \u2028 separator",
    "\x00\x1b[31m control",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_literal_when_text_is_hostile_then_it_reads_back_as_the_same_string(text):
    source = f"QUESTION = {literal(text)}"
    (assign,) = ast.parse(source).body
    assert isinstance(assign, ast.Assign) and ast.literal_eval(assign.value) == text


@pytest.mark.parametrize(
    "value",
    [
        {"ttft_ms": 150.0, "seed": 0, "fault": None, "on": True},
        ["a", "b"],
        [{"label": "streaming", "sim": {"ttft_ms": 1.5}}] * 4,  # long: one item per line
    ],
)
def test_literal_when_value_is_nested_then_it_round_trips(value):
    assert ast.literal_eval(literal(value)) == value


@pytest.mark.parametrize("value", [float("nan"), object()])
def test_literal_when_value_has_no_literal_then_raises(value):
    with pytest.raises(BundleError):
        literal(value)


def _defined_name(node: ast.stmt) -> str:
    if isinstance(node, ast.Assign):
        return node.targets[0].id  # type: ignore[attr-defined]
    if isinstance(node, ast.AnnAssign):
        return node.target.id  # type: ignore[union-attr]
    return node.name  # type: ignore[attr-defined]


def test_bundle_when_main_uses_recipes_then_copies_them_dependencies_first():
    found = bundle("streamlab.take_home.sequence", "main", {"TOPIC": "x"})
    order = [_defined_name(ast.parse(d).body[0]) for d in found.definitions]
    assert order.index("prompt") < order.index("build_seed_chain") < order.index("VARIANTS")
    assert order.index("VARIANTS") < order.index("main")
    assert found.settings == {"TOPIC": 'TOPIC = "x"'}
    assert "from langchain_core.runnables import RunnableGenerator" in found.imports
    assert not any("streamlab" in line for line in found.imports)


def test_bundle_when_source_has_comments_above_then_keeps_them():
    found = bundle("streamlab.take_home.runtime", "make_llm")
    assert any(d.startswith("# The simulator's latency settings") for d in found.definitions)


def test_bundle_when_entry_is_unknown_then_raises():
    with pytest.raises(BundleError, match="defined nowhere"):
        bundle("streamlab.take_home.overview", "no_such_function")
