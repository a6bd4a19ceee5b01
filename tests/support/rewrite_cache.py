"""Rewrite the test modules' asserts once, in pytest-xdist's controller, before its workers start.

pytest rewrites the asserts of every test module it imports (for its failure messages) and keeps
the result as a .pyc in `__pycache__`, unless writing bytecode is off (PYTHONDONTWRITEBYTECODE,
as on the CI machine). Each of `make test`'s four workers imports every test module to collect
the tests, so on a fresh clone each paid ~3 CPU-s for the same rewriting, in the first seconds
when no test runs yet. The controller does it once instead; the workers read the cached files
(pytest reads them even where it may not write them). The cache lives beside the sources, in the
`__pycache__` folders git ignores.

pytest has no public API for this, so the private functions are used behind a guard: if a pytest
upgrade moves them, the workers simply rewrite for themselves again, as before.
"""

from __future__ import annotations

from pathlib import Path

import pytest

__all__ = ["is_xdist_controller", "warm_rewrite_cache"]


def warm_rewrite_cache(config: pytest.Config, root: Path) -> int:
    """Rewrite and cache every test module and conftest under `root`; how many were written."""
    try:
        from _pytest.assertion import rewrite
        from _pytest.assertion.rewrite import PYC_TAIL, _read_pyc, _rewrite_test, _write_pyc
    except ImportError:
        return 0
    if rewrite.assertstate_key not in config.stash:  # --assert=plain: nothing is rewritten
        return 0
    state = config.stash[rewrite.assertstate_key]
    written = 0
    for path in sorted([*root.rglob("test_*.py"), *root.rglob("conftest.py")]):
        cache_dir = rewrite.get_cache_dir(path)
        pyc = cache_dir / (path.name[:-3] + PYC_TAIL)
        if not rewrite.try_makedirs(cache_dir) or _read_pyc(path, pyc, state.trace) is not None:
            continue
        source_hash, code = _rewrite_test(path, config)
        written += _write_pyc(state, code, source_hash, pyc)
    return written


def is_xdist_controller(config: pytest.Config) -> bool:
    """Whether this process hands tests to xdist workers (it does not import test modules)."""
    return bool(getattr(config.option, "numprocesses", None)) and not hasattr(config, "workerinput")
