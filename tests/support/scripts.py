"""Run a standalone script as `python script.py` would, forked from an interpreter that has
already imported the libraries the take-home scripts use.

A learner runs each take-home script in a fresh `python`. The tests did too, and each of the 24
scripts spent ~1.2 CPU-s importing LangChain, LangGraph and the openai SDK before its first line
(~30 CPU-s a suite run, on two cores). Here one fork server per test worker
(tests/support/script_server.py, started with `python -I`: neither the project nor this folder
is on its path) imports those third-party libraries, and each script runs in a child forked from
it: its own process, working folder, argv, environment and stdout, the script as `__main__`.
A script that forgets an import still fails (its names live in its own module), and
tests/take_home keeps one script run by a plain `python` subprocess as well.
"""

from __future__ import annotations

import json
import subprocess
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
SERVER = Path(__file__).with_name("script_server.py")
_server: subprocess.Popen[str] | None = None


@dataclass(frozen=True, slots=True)
class ScriptRun:
    returncode: int
    stdout: str
    stderr: str


def _fork_server() -> subprocess.Popen[str]:
    global _server
    if _server is None or _server.poll() is not None:
        _server = subprocess.Popen(
            [sys.executable, "-I", str(SERVER), *PRELOAD],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd="/",
        )
        assert _server.stdout is not None
        ready = _server.stdout.readline()
        if not ready:
            raise RuntimeError("the script fork server did not start")
    return _server


def run_script(path: Path, args: list[str], *, env: dict[str, str], timeout: float) -> ScriptRun:
    """Run `path` with `args` and `env` in a forked child; its exit code, stdout and stderr."""
    out, err = path.with_suffix(".stdout"), path.with_suffix(".stderr")
    server = _fork_server()
    assert server.stdin is not None and server.stdout is not None
    request = {"path": str(path), "args": args, "env": env, "out": str(out), "err": str(err)}
    server.stdin.write(json.dumps({**request, "timeout": timeout}) + "\n")
    server.stdin.flush()
    answer = json.loads(server.stdout.readline())
    if answer["timed_out"]:
        raise TimeoutError(f"{path.name} ran longer than {timeout} s")
    read = lambda p: p.read_text(encoding="utf-8", errors="replace")  # noqa: E731
    return ScriptRun(answer["returncode"], read(out), read(err))
