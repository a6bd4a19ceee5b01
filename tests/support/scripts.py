"""Run a standalone script as `python script.py` would, forked from an interpreter that has
already imported the libraries the take-home scripts use.

A learner runs each take-home script in a fresh `python`. The tests did too, and each of the 24
scripts spent ~1.2 CPU-s importing LangChain, LangGraph and the openai SDK before its first line
(~30 CPU-s a suite run, on two cores). Here one fork server per test worker imports those
third-party libraries (never the project's `streamlab` or `components`; only this runner, to
unpickle the child's entry point), and each script runs in a child forked from it: its own
process, working folder, argv, environment and stdout, the project's folder off `sys.path`, the
script as `__main__`.
A script that forgets an import still fails (its names live in its own module), and
tests/take_home keeps one script run by a plain `python` subprocess as well.
"""

from __future__ import annotations

import multiprocessing
import os
import runpy
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PRELOAD", "ScriptRun", "run_script"]

PRELOAD = [
    "httpx",
    "langchain.agents",
    "langchain_core.language_models",
    "langchain_core.runnables",
    "langchain_openai",
    "langgraph.graph",
    "sse_starlette",
    "uvicorn",
]
ROOT = str(Path(__file__).resolve().parents[2])
_context: multiprocessing.context.ForkServerContext | None = None


@dataclass(frozen=True, slots=True)
class ScriptRun:
    returncode: int
    stdout: str
    stderr: str


def _forkserver() -> multiprocessing.context.ForkServerContext:
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(PRELOAD)
    return _context


def _run(path: str, args: list[str], env: dict[str, str], out: str, err: str) -> None:
    """In the child: become `python <path> <args>` run from the script's folder."""
    folder = os.path.dirname(path)
    os.chdir(folder)
    os.environ.clear()
    os.environ.update(env)
    for fd, name in ((1, out), (2, err)):
        target = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(target, fd)
        os.close(target)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False, buffering=1)  # noqa: SIM115
    sys.stderr = open(2, "w", encoding="utf-8", closefd=False, buffering=1)  # noqa: SIM115
    sys.argv = [path, *args]
    sys.path[:] = [folder] + [p for p in sys.path if p and os.path.abspath(p) != ROOT]
    try:
        runpy.run_path(path, run_name="__main__")
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        if not isinstance(stop.code, int | None):
            print(stop.code, file=sys.stderr)
        _exit(code)
    except BaseException:
        import traceback

        traceback.print_exc()
        _exit(1)
    _exit(0)


def _exit(code: int) -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # as a script's interpreter ends: no multiprocessing clean-up of the parent's


def run_script(path: Path, args: list[str], *, env: dict[str, str], timeout: float) -> ScriptRun:
    """Run `path` with `args` and `env` in a forked child; its exit code, stdout and stderr."""
    out, err = path.with_suffix(".stdout"), path.with_suffix(".stderr")
    child = _forkserver().Process(target=_run, args=(str(path), args, env, str(out), str(err)))
    child.start()
    child.join(timeout)
    if child.exitcode is None:
        child.kill()
        child.join()
        raise TimeoutError(f"{path.name} ran longer than {timeout} s")
    read = lambda p: p.read_text(encoding="utf-8", errors="replace")  # noqa: E731
    return ScriptRun(child.exitcode, read(out), read(err))
