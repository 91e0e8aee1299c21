"""A PostgreSQL server restarted mid-session: the listener reconnects by itself, and the
changes made while it was away arrive afterwards.

The server restarted here is a throwaway cluster this test creates, on its own port and
in a temporary folder, and removes afterwards; the shared server is never touched.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from desk.services import directory
from desk.services import tickets as work
from desk.services.database import open_database
from desk.services.intake import IntakeRequest, NewCaller, log_ticket
from desk.store.listen import PostgresListener

from ..pg_cluster import Cluster, throwaway_cluster
from .test_live import Heard

pytestmark = pytest.mark.slow


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    yield from throwaway_cluster()


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

        cluster.stop("fast")
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
