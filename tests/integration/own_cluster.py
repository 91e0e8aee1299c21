"""A throwaway PostgreSQL cluster for tests that stop or restart the server.

The shared server on 5432 is never stopped: a test that must see a server freeze or go
away starts its own, in a temporary folder on a free port, and removes it afterwards.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import psutil

BIN = Path(os.environ.get("DESK_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_owner(args: list[str], owner: str | None) -> list[str]:
    return ["runuser", "-u", owner, "--", *args] if owner else args


@dataclass
class Cluster:
    folder: Path
    port: int
    owner: str | None

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _processes(self) -> list[psutil.Process]:
        pid = int((self.folder / "data" / "postmaster.pid").read_text().split()[0])
        postmaster = psutil.Process(pid)
        return [postmaster, *postmaster.children(recursive=True)]

    def freeze(self) -> None:
        """SIGSTOP every process of the server: it takes connections and never answers."""
        for process in self._processes():
            process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        for process in self._processes():
            process.send_signal(signal.SIGCONT)


def available() -> bool:
    return (BIN / "initdb").exists() and shutil.which("runuser") is not None


@contextmanager
def own_cluster() -> Iterator[Cluster]:
    owner = "postgres" if os.geteuid() == 0 else None  # initdb refuses to run as root
    folder = Path(tempfile.mkdtemp(prefix="desk-pg-"))
    if owner:
        shutil.chown(folder, owner)
    data, port = folder / "data", _free_port()
    run = {"check": True, "capture_output": True, "timeout": 120}
    subprocess.run(
        _as_owner([str(BIN / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"], owner),
        **run,
    )
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    pg_ctl = [str(BIN / "pg_ctl"), "-D", str(data), "-s"]
    subprocess.run(
        _as_owner([*pg_ctl, "-o", options, "-l", str(folder / "log"), "-w", "start"], owner),
        **run,
    )
    cluster = Cluster(folder, port, owner)
    try:
        yield cluster
    finally:
        with suppress(OSError, psutil.Error, ValueError):
            cluster.thaw()
        subprocess.run(
            _as_owner([*pg_ctl, "-m", "immediate", "-w", "stop"], owner),
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(folder, ignore_errors=True)
