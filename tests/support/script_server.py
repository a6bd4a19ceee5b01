"""The fork server behind tests/support/scripts.py: run as `python -I script_server.py`, so that
neither this folder nor the project is on its path. It imports the take-home scripts' libraries
once, then for each request line (JSON: path, args, env, out, err, timeout) forks a child that
becomes `python <path> <args>` and answers with the child's exit code."""

import importlib
import json
import os
import runpy
import sys
import time
import traceback

PRELOAD = sys.argv[1:]


def become_script(request: dict) -> None:
    """In the child: the script's folder, env, argv, stdout/stderr and path, the script as __main__."""
    path = request["path"]
    folder = os.path.dirname(path)
    os.chdir(folder)
    os.environ.clear()
    os.environ.update(request["env"])
    for fd, name in ((1, request["out"]), (2, request["err"])):
        target = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(target, fd)
        os.close(target)
    # Open until os._exit below: the script writes to them to its last line.
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False, buffering=1)  # noqa: SIM115
    sys.stderr = open(2, "w", encoding="utf-8", closefd=False, buffering=1)  # noqa: SIM115
    sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115
    sys.argv = [path, *request["args"]]
    sys.path.insert(0, folder)  # as `python <path>` does
    code = 0
    try:
        runpy.run_path(path, run_name="__main__")
    except SystemExit as stop:
        if isinstance(stop.code, int) or stop.code is None:
            code = stop.code or 0
        else:
            print(stop.code, file=sys.stderr)
            code = 1
    except BaseException:
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def wait(pid: int, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.01)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    return -9


def main() -> None:
    for name in PRELOAD:
        importlib.import_module(name)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            become_script(request)
        code = wait(pid, request["timeout"])
        print(json.dumps({"returncode": code, "timed_out": code == -9}), flush=True)


if __name__ == "__main__":
    main()
