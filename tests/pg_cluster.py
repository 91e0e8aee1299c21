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


#: With passwords: the superuser (the tests' own set-up) comes in without one, every other
#: login only with its scram-sha-256 password, as a shared server's pg_hba.conf says.
PASSWORD_HBA = """\
local all all trust
host all postgres 127.0.0.1/32 trust
host all all 127.0.0.1/32 scram-sha-256
"""


#: With TLS as well: only TLS connections, as a server reached over a network should.
TLS_HBA = """\
local all all trust
hostssl all postgres 127.0.0.1/32 trust
hostssl all all 127.0.0.1/32 scram-sha-256
host all all 127.0.0.1/32 reject
"""


#: The superuser's password, for tests that give one (with passwords the superuser comes
#: in over TCP without needing it: see PASSWORD_HBA).
SUPERUSER_PASSWORD = "superuser-secret"


class Cluster:
    def __init__(
        self, root: Path, auth: str = "trust", *, passwords: bool = False, tls: bool = False
    ) -> None:
        # `auth`: how other logins are checked over TCP, "trust" or "scram-sha-256".
        passwords = passwords or auth != "trust"
        self.root = root
        self.passwords = passwords or tls
        self.tls = tls
        #: The test CA that signed the server's certificate (with TLS).
        self.ca_file = root / "ca.crt"
        self.data = root / "data"
        self.port = _free_port()
        self.log = root / "server.log"

    @property
    def url(self) -> str:
        """The empty database "desk"."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/desk"

    def url_for(self, user: str, password: str | None = None) -> str:
        """The database "desk" as `user` (with `password`, if one is given)."""
        secret = f":{password}" if password is not None else ""
        return f"postgresql://{user}{secret}@127.0.0.1:{self.port}/desk"

    def sql(self, statement: str) -> None:
        """Run `statement` as the superuser (over the local socket), in the database "desk"."""
        self._run(str(BIN / "psql"), "-h", str(self.root), "-p", str(self.port), "-U", "postgres", "-d", "desk", "-v", "ON_ERROR_STOP=1", "-c", statement)  # fmt: skip

    def url_as(self, login: str, password: str, database: str = "desk") -> str:
        """A login's URL, with its password (the server checks it: scram-sha-256)."""
        from sqlalchemy import URL

        return URL.create(
            "postgresql", login, password, "127.0.0.1", self.port, database
        ).render_as_string(hide_password=False)

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        done = subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {done.stdout}{done.stderr}")

    def init(self) -> None:
        self._run(
            str(BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
            "--no-sync", "-E", "UTF8",
        )  # fmt: skip
        if self.passwords:
            self._server_file("pg_hba.conf", (TLS_HBA if self.tls else PASSWORD_HBA).encode())
        if self.tls:
            self._certificates()

    def _server_file(self, name: str, content: bytes, mode: int = 0o600) -> None:
        path = self.data / name
        path.write_bytes(content)
        path.chmod(mode)
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(path, user.pw_uid, user.pw_gid)

    def _certificates(self) -> None:
        """A test CA and a server certificate for 127.0.0.1 that it signed."""
        work = self.root / "certs"
        work.mkdir()

        def openssl(*args: str) -> None:
            subprocess.run(["openssl", *args], cwd=work, check=True, capture_output=True)

        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=Desk test CA", "-keyout", "ca.key", "-out", "ca.crt")  # fmt: skip
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
                "-keyout", "server.key", "-out", "server.csr")  # fmt: skip
        (work / "san.ext").write_text("subjectAltName=IP:127.0.0.1\n")
        openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                "-CAcreateserial", "-days", "1", "-extfile", "san.ext",
                "-out", "server.crt")  # fmt: skip
        self._server_file("server.crt", (work / "server.crt").read_bytes())
        self._server_file("server.key", (work / "server.key").read_bytes())
        self.ca_file.write_bytes((work / "ca.crt").read_bytes())

    def start(self) -> None:
        # No fsync (nothing here outlives the machine), but every commit reaches the WAL
        # before it is acknowledged: with synchronous_commit off, an immediate stop lost
        # the tickets the test had just written ("There is no ticket HD-000040").
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} "
            "-c fsync=off -c full_page_writes=off -c password_encryption=scram-sha-256"
        )
        if self.tls:
            options += " -c ssl=on -c ssl_cert_file=server.crt -c ssl_key_file=server.key"
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

    def create_database(self, name: str = "desk") -> None:
        self._run(str(BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)  # fmt: skip


def throwaway_cluster(
    auth: str = "trust", *, passwords: bool = False, tls: bool = False
) -> Iterator[Cluster]:
    """A started cluster with an empty database "desk"; skipped without the binaries.
    With `passwords`, every login but the superuser's needs its password (PASSWORD_HBA);
    with `tls` too, and only over TLS with a certificate the test CA signed (TLS_HBA)."""
    missing_runuser = os.geteuid() == 0 and shutil.which("runuser") is None
    if not (BIN / "initdb").exists() or missing_runuser:
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required but {BIN / 'initdb'} is missing")
        pytest.skip(f"no PostgreSQL server programs in {BIN}")
    root = Path(tempfile.mkdtemp(prefix="desk-pg-"))
    if os.geteuid() == 0:  # initdb refuses root: the cluster belongs to postgres
        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)
    cluster = Cluster(root, auth, passwords=passwords, tls=tls)
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
