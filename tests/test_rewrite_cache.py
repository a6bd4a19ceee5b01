"""The assert-rewrite cache the xdist controller fills for its workers (support/rewrite_cache.py)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from _pytest.assertion.rewrite import PYC_TAIL, _read_pyc

from tests.support.rewrite_cache import is_xdist_controller, warm_rewrite_cache


def test_warm_when_a_test_module_is_new_then_its_rewritten_code_is_cached_once(pytestconfig, tmp_path):
    (tmp_path / "sub").mkdir()
    module = tmp_path / "sub" / "test_sums.py"
    module.write_text("def test_sum():\n    total = 1 + 1\n    assert total == 3\n")
    (tmp_path / "sub" / "helpers.py").write_text("X = 1\n")  # not a test module: left alone
    assert warm_rewrite_cache(pytestconfig, tmp_path) == 1
    pyc = tmp_path / "sub" / "__pycache__" / f"test_sums{PYC_TAIL}"
    assert sorted(p.name for p in pyc.parent.iterdir()) == [pyc.name]
    assert warm_rewrite_cache(pytestconfig, tmp_path) == 0  # already cached: nothing redone
    # What pytest will load: the rewritten module, whose failing assert explains its values.
    code = _read_pyc(module, pyc)
    assert code is not None
    namespace: dict = {}
    exec(code, namespace)
    with pytest.raises(AssertionError, match=r"assert 2 == 3"):
        namespace["test_sum"]()


def test_warm_when_the_source_changes_then_it_is_rewritten_again(pytestconfig, tmp_path):
    module = tmp_path / "test_one.py"
    module.write_text("def test_one():\n    assert 1\n")
    assert warm_rewrite_cache(pytestconfig, tmp_path) == 1
    module.write_text("def test_one():\n    assert 1 == 1\n")  # a new size: pytest checks it
    assert warm_rewrite_cache(pytestconfig, tmp_path) == 1


def test_controller_is_the_process_with_workers_and_no_worker_input():
    def config(numprocesses, **extra):
        return SimpleNamespace(option=SimpleNamespace(numprocesses=numprocesses), **extra)

    assert is_xdist_controller(config(4))
    assert not is_xdist_controller(config(4, workerinput={"workerid": "gw0"}))  # a worker
    assert not is_xdist_controller(config(None))  # plain pytest
    assert not is_xdist_controller(config(0))  # -n 0
