"""Reads that promise one snapshot take one, even when someone commits halfway through."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from desk.domain.errors import DatabaseError
from desk.domain.model import ACTIVE_STATUSES
from desk.domain.queues import QueueFilter, QueueQuery
from desk.services import queries
from desk.services import tickets as work
from desk.services.database import open_database
from desk.services.intake import IntakeRequest, log_ticket
from desk.store.queues import QueueReader
from desk.store.tickets import TicketRepository
from desk.store.unit_of_work import SqlDatabase

from ..conftest import World


@pytest.fixture
def other_client(db_url: str) -> Iterator[SqlDatabase]:
    """A second copy of Desk on the same database, with connections of its own."""
    other = open_database(db_url)
    yield other
    other.close()


def _after_first_call(monkeypatch, cls: type, name: str, commit: Callable[[], Any]) -> list[int]:
    """Make `cls.name` run `commit` (in another client) right after its first call."""
    original = getattr(cls, name)
    calls: list[int] = []

    def hooked(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        calls.append(1)
        if len(calls) == 1:
            commit()
        return result

    monkeypatch.setattr(cls, name, hooked)
    return calls


def test_queue_counts_do_not_move_when_someone_commits_between_them(
    db, other_client, world: World, monkeypatch
):
    open_queue = QueueQuery(QueueFilter(statuses=ACTIVE_STATUSES))
    before = queries.queue_count(db, open_queue)

    def another_agent_logs_a_ticket() -> None:
        log_ticket(
            other_client,
            world.agent,
            IntakeRequest(subject="Logged mid-read", customer_id=world.customer),
        )

    calls = _after_first_call(monkeypatch, QueueReader, "count", another_agent_logs_a_ticket)
    counts = queries.queue_counts(db, {"first": open_queue, "second": open_queue})
    assert len(calls) == 2
    assert counts == {"first": before, "second": before}
    # The ticket was committed: the next read sees it.
    assert queries.queue_count(db, open_queue) == before + 1


def test_a_ticket_and_its_thread_come_from_the_same_moment(
    db, other_client, world: World, monkeypatch
):
    ticket_id = queries.search_tickets(db, "printer")[0]
    seen = queries.get_ticket(db, ticket_id)

    def another_agent_replies() -> None:
        work.reply_to_customer(other_client, world.supervisor, ticket_id, "Replied mid-read")

    _after_first_call(monkeypatch, TicketRepository, "get", another_agent_replies)
    detail = queries.get_ticket(db, ticket_id)
    assert detail.ticket.version == seen.ticket.version
    assert detail.thread == seen.thread
    assert all(e.ticket_version <= detail.ticket.version for e in detail.thread)
    monkeypatch.undo()
    after = queries.get_ticket(db, ticket_id)
    assert after.ticket.version == seen.ticket.version + 1
    assert "Replied mid-read" in [e.body for e in after.thread]


def test_a_read_cannot_write(db, world: World):
    """PostgreSQL's read transactions are READ ONLY: a bug that writes in one is caught."""
    if db.backend != "postgresql":
        pytest.skip("SQLite's deferred read transaction is not marked read-only")
    with pytest.raises(DatabaseError, match="Read-only"), db.read() as uow:
        uow.tickets.touch(1, db.clock(), None)
