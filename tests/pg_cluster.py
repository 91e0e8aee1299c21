"""A throwaway PostgreSQL cluster that a test starts, stops, freezes and starts again
itself: a server outage, restart or hang without touching the shared server, which is
never stopped. In a temporary folder on a free port, removed afterwards."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from .conftest import REQUIRE_POSTGRES

BIN = Path(os.environ.get("DESK_POSTGRES_BIN", "/usr/lib/postgresql/15/bin"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


#: The superuser's password in a cluster that checks passwords (scram-sha-256).
SUPERUSER_PASSWORD = "superuser-secret"


class Cluster:
    def __init__(self, root: Path, auth: str = "trust") -> None:
        self.root = root
        self.data = root / "data"
        self.port = _free_port()
        self.log = root / "server.log"
        #: How TCP connections are authenticated (pg_hba.conf's method for "host" lines).
        self.auth = auth

    @property
    def _superuser(self) -> str:
        return "postgres" if self.auth == "trust" else f"postgres:{SUPERUSER_PASSWORD}"

    @property
    def url(self) -> str:
        """The empty database "desk", as the superuser."""
        return f"postgresql://{self._superuser}@127.0.0.1:{self.port}/desk"

    @property
    def admin_url(self) -> str:
        return f"postgresql://{self._superuser}@127.0.0.1:{self.port}/postgres"

    def url_for(self, user: str, password: str | None = None) -> str:
        """The database "desk" as `user` (with `password`, if one is given)."""
        secret = f":{password}" if password is not None else ""
        return f"postgresql://{user}{secret}@127.0.0.1:{self.port}/desk"

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        done = subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {done.stdout}{done.stderr}")

    def init(self) -> None:
        if self.auth == "trust":
            self._run(
                str(BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                "--no-sync", "-E", "UTF8",
            )  # fmt: skip
            return
        # Passwords checked over TCP (what a real server's pg_hba.conf says); the local
        # socket stays trusted so that pg_ctl and createdb need none.
        password_file = self.root / "superuser-password"
        password_file.write_text(SUPERUSER_PASSWORD + "\n")
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(password_file, user.pw_uid, user.pw_gid)
        self._run(
            str(BIN / "initdb"), "-D", str(self.data), "-U", "postgres",
            f"--auth-host={self.auth}", "--auth-local=trust", f"--pwfile={password_file}",
            "--no-sync", "-E", "UTF8",
        )  # fmt: skip

    def start(self) -> None:
        # No fsync (nothing here outlives the machine), but every commit reaches the WAL
        # before it is acknowledged: with synchronous_commit off, an immediate stop lost
        # the tickets the test had just written ("There is no ticket HD-000040").
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} "
            "-c fsync=off -c full_page_writes=off"
        )
        self._run(str(BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "start")  # fmt: skip

    def stop(self, mode: str = "immediate") -> None:
        """Immediate: as a crash or a pulled cable looks to clients, no goodbye; "fast":
        an administrator's restart, which tells the clients."""
        self._run(str(BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def _processes(self) -> list[psutil.Process]:
        pid = int((self.data / "postmaster.pid").read_text().split()[0])
        postmaster = psutil.Process(pid)
        return [postmaster, *postmaster.children(recursive=True)]

    def freeze(self) -> None:
        """SIGSTOP every process of the server: it takes connections and never answers."""
        for process in self._processes():
            process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        for process in self._processes():
            process.send_signal(signal.SIGCONT)

    def create_database(self) -> None:
        self._run(str(BIN / "createdb"), "-h", str(self.root), "-p", str(self.port), "-U", "postgres", "desk")  # fmt: skip

    def sql(self, statement: str) -> None:
        """Run `statement` as the superuser (over the local socket), in the database "desk"."""
        self._run(str(BIN / "psql"), "-h", str(self.root), "-p", str(self.port), "-U", "postgres", "-d", "desk", "-v", "ON_ERROR_STOP=1", "-c", statement)  # fmt: skip


def throwaway_cluster(auth: str = "trust") -> Iterator[Cluster]:
    """A started cluster with an empty database "desk"; skipped without the binaries.
    `auth` is how TCP connections are authenticated ("trust", "scram-sha-256")."""
    missing_runuser = os.geteuid() == 0 and shutil.which("runuser") is None
    if not (BIN / "initdb").exists() or missing_runuser:
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required but {BIN / 'initdb'} is missing")
        pytest.skip(f"no PostgreSQL server programs in {BIN}")
    root = Path(tempfile.mkdtemp(prefix="desk-pg-"))
    if os.geteuid() == 0:  # initdb refuses root: the cluster belongs to postgres
        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)
    cluster = Cluster(root, auth)
    try:
        cluster.init()
        cluster.start()
        cluster.create_database()
        yield cluster
    finally:
        with contextlib.suppress(OSError, psutil.Error, ValueError):  # not frozen, or gone
            cluster.thaw()
        with contextlib.suppress(RuntimeError):  # already stopped
            cluster.stop()
        shutil.rmtree(root, ignore_errors=True)
