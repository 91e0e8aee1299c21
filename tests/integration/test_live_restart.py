"""A PostgreSQL server restarted mid-session: the listener reconnects by itself, and the
changes made while it was away arrive afterwards.

The server restarted here is a throwaway cluster this test creates, on its own port and
in a temporary folder, and removes afterwards; the shared server is never touched.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from desk.services import directory
from desk.services import tickets as work
from desk.services.database import open_database
from desk.services.intake import IntakeRequest, NewCaller, log_ticket
from desk.store.listen import PostgresListener

from .test_live import Heard

pytestmark = pytest.mark.slow
BIN = Path("/usr/lib/postgresql/15/bin")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, folder: Path, port: int) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.port = port
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"

    def _as_postgres(self, *args: str) -> None:
        command = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*command, *args], check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self._as_postgres(
            str(BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-N"
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c shared_buffers=16MB -c max_connections=20"
        )
        self._as_postgres(
            str(BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-w",
            "-l",
            str(self.folder / "log"),
            "start",
        )

    def stop(self) -> None:
        self._as_postgres(str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    if not (BIN / "initdb").exists() or (os.geteuid() == 0 and shutil.which("runuser") is None):
        pytest.skip("no PostgreSQL 15 binaries to make a throwaway cluster with")
    folder = Path(tempfile.mkdtemp(prefix="desk-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    made = Cluster(folder, _free_port())
    made.init()
    made.start()
    try:
        yield made
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            made.stop()
        shutil.rmtree(folder, ignore_errors=True)


def test_the_listener_reconnects_after_a_restart_and_catches_up(cluster: Cluster):
    writer = open_database(cluster.url)
    reader = open_database(cluster.url)
    heard = Heard()
    states: list[bool] = []
    # A long pause before reconnecting, so that the writes below are surely made while
    # it is away (the real pause starts at 0.2 s).
    listener = PostgresListener(reader.url, reader.client_id, heard, states.append, backoff=(4.0,))
    listener.start()
    try:
        admin = directory.create_first_admin(writer, "admin", "Ada Admin")
        assert admin.id is not None
        ticket = log_ticket(
            writer,
            admin.id,
            IntakeRequest(subject="Printer jams", new_caller=NewCaller("Jane Doe")),
        )
        assert ticket.id is not None
        heard.until(lambda c: ticket.id in c.tickets)

        cluster.stop()
        heard.until(lambda _c: states == [True, False], timeout=10)
        # A client that starts while the server is away: what it shows may go stale
        # before it can listen, so once it can it is told to re-read everything.
        late_heard = Heard()
        late = PostgresListener(reader.url, "late-client", late_heard, backoff=(0.2,))
        late.start()
        assert not late.connected
        cluster.start()
        # Written while the listener is (most likely) still waiting to reconnect: these
        # arrive through the change log, not through a notification it never heard.
        for attempt in range(50):
            try:
                claimed = work.claim_ticket(writer, admin.id, ticket.id)
                break
            except Exception:
                if attempt == 49:
                    raise
                time.sleep(0.1)
        directory.create_team(writer, admin.id, "Network")
        assert states[-1] is False, "the listener came back before the writes"

        heard_after = heard.until(
            lambda c: c.tickets.get(ticket.id) == claimed.version and c.directory, timeout=15
        )
        assert heard_after.moves.assignees == {None, admin.id}
        assert states[-1] is True
        assert listener.connections == 2

        # And it listens again: a change after the reconnection arrives within a second.
        work.add_internal_note(writer, admin.id, ticket.id, "Back.")
        assert heard.until(lambda c: c.entries.get(ticket.id))
        assert late_heard.until(lambda c: c.everything, timeout=10)
        late.stop()
    finally:
        listener.stop()
        writer.close()
        reader.close()
