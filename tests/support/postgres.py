"""A throwaway PostgreSQL server for tests: Debian's own binaries, a cluster in a temp folder,
listening on 127.0.0.1 only, on a free port, with its socket in a temp folder too.

PostgreSQL refuses to run as root, so as root (CI, these machines) the cluster belongs to the
`postgres` user that Debian's package creates and every command runs through `runuser`. Missing
binaries are an error, never a skip: `make test` installs them (the Makefile's `postgres`).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tools.browser import free_port

__all__ = ["PostgresMissing", "pg_bindir", "postgres_server"]

INSTALL_HINT = "PostgreSQL is not installed: run `make test` (it installs Debian's postgresql with apt)."


class PostgresMissing(RuntimeError):
    """No PostgreSQL server binaries on this machine."""


def pg_bindir() -> Path:
    """The folder of initdb and pg_ctl: $PG_BINDIR, else Debian's newest /usr/lib/postgresql/N/bin
    (not on PATH there), else PATH."""
    candidates = [os.environ.get("PG_BINDIR", "")]
    versions = glob.glob("/usr/lib/postgresql/*/bin")
    candidates += sorted(versions, key=lambda p: int(Path(p).parent.name), reverse=True)
    candidates += [str(Path(found).parent) for found in [shutil.which("initdb")] if found]
    for folder in filter(None, candidates):
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    raise PostgresMissing(INSTALL_HINT)


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a fresh cluster and yield its URL (`postgresql://postgres@127.0.0.1:PORT/postgres`)."""
    bindir = pg_bindir()
    root = Path(tempfile.mkdtemp(prefix="streamlab-pg-"))
    data, sockets, log = root / "data", root / "sockets", root / "server.log"
    sockets.mkdir()
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        for path in (root, sockets):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    port = free_port()

    def run(*command: str) -> None:
        done = subprocess.run(_as_owner(list(command)), capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            extra = log.read_text() if log.exists() else ""
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}{extra}")

    try:
        # trust: only this machine's loopback can reach it, and it lives for one test session.
        run(str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
            "--no-sync", "--no-instructions")  # fmt: skip
        options = f"-h 127.0.0.1 -p {port} -k {sockets} -F -c max_connections=60"
        run(str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "start")
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                _as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                capture_output=True,
                timeout=60,
            )
        shutil.rmtree(root, ignore_errors=True)
