"""Who is on a ticket, on both backends: seen by others within a second, gone by itself
when a client stops renewing it (a fake clock: nobody waits 30 seconds)."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, func, select

from desk.domain.presence import EXPIRY, Activity
from desk.services import live, queries
from desk.services.database import open_database
from desk.store.schema import presence, tickets
from desk.store.unit_of_work import SqlDatabase, utc_now

from ..conftest import World
from . import workers
from .test_live import Heard


class Clock:
    def __init__(self) -> None:
        self.now = utc_now()

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def two(db_url: str, clock: Clock, world: World) -> Iterator[tuple[SqlDatabase, SqlDatabase]]:
    """Two clients sharing a fake clock."""
    first, second = (SqlDatabase.open(db_url, clock=clock) for _ in range(2))
    yield first, second
    first.close()
    second.close()


def _ticket(db: SqlDatabase) -> int:
    return queries.search_tickets(db, "printer")[0]


def test_another_client_sees_who_is_on_a_ticket_and_its_own_entry_is_left_out(two, world):
    mine, theirs = two
    ticket_id = _ticket(mine)
    live.set_presence(mine, world.agent, ticket_id, Activity.VIEWING)
    [entry] = live.who_is_on(theirs, [ticket_id])[ticket_id]
    assert (entry.agent_id, entry.agent_name, entry.activity) == (
        world.agent,
        "Sam Agent",
        Activity.VIEWING,
    )
    assert live.who_is_on(mine, [ticket_id]) == {}
    live.set_presence(mine, world.agent, ticket_id, Activity.REPLYING)
    [entry] = live.who_is_on(theirs, [ticket_id, 999])[ticket_id]
    assert entry.activity == Activity.REPLYING
    live.clear_presence(mine, world.agent, ticket_id)
    assert live.who_is_on(theirs, [ticket_id]) == {}


def test_presence_expires_unless_renewed(two, world, clock: Clock):
    mine, theirs = two
    ticket_id = _ticket(mine)
    live.set_presence(mine, world.agent, ticket_id, Activity.VIEWING)
    clock.now += EXPIRY - timedelta(seconds=1)
    assert live.who_is_on(theirs, [ticket_id])
    assert live.heartbeat(mine) == 1
    clock.now += EXPIRY - timedelta(seconds=1)
    [entry] = live.who_is_on(theirs, [ticket_id])[ticket_id]
    assert entry.expires_at == clock.now + timedelta(seconds=1)
    clock.now += timedelta(seconds=2)
    assert live.who_is_on(theirs, [ticket_id]) == {}


def test_starting_and_ending_are_announced_and_heartbeats_are_not(two, world):
    mine, theirs = two
    heard = Heard()
    listener = live.other_clients_changes(theirs, heard)
    listener.start()
    try:
        ticket_id = _ticket(mine)
        live.set_presence(mine, world.agent, ticket_id, Activity.VIEWING)
        assert heard.until(lambda c: ticket_id in c.presence)
        live.heartbeat(mine)
        live.set_presence(mine, world.agent, ticket_id, Activity.VIEWING)  # no news
        assert heard.nothing()
        live.set_presence(mine, world.agent, ticket_id, Activity.REPLYING)
        assert heard.until(lambda c: ticket_id in c.presence)
        live.clear_presence(mine, world.agent)
        assert heard.until(lambda c: ticket_id in c.presence)
    finally:
        listener.stop()


@pytest.mark.slow
def test_a_client_killed_outright_disappears_after_the_expiry(db, db_url: str, world: World):
    spawn = multiprocessing.get_context("spawn")
    results = spawn.Queue()
    ticket_id = _ticket(db)
    process = spawn.Process(
        target=workers.hold_presence, args=(db_url, world.agent, ticket_id, results)
    )
    process.start()
    try:
        assert results.get(timeout=60)[0] == "replying"
        [entry] = live.who_is_on(db, [ticket_id])[ticket_id]
        assert entry.activity == Activity.REPLYING
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.join(timeout=30)
    assert process.exitcode == -signal.SIGKILL
    killed_at = utc_now()
    assert live.who_is_on(db, [ticket_id])  # nobody cleaned up after it ...
    later = SqlDatabase.open(db_url, clock=lambda: killed_at + EXPIRY + timedelta(seconds=1))
    try:
        assert live.who_is_on(later, [ticket_id]) == {}  # ... and yet it is gone
        much_later = SqlDatabase.open(db_url, clock=lambda: killed_at + EXPIRY * 5)
        live.prune_change_log(much_later)
        much_later.close()
        with db.engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(presence)).scalar_one() == 0
    finally:
        later.close()


def test_presence_of_a_deleted_ticket_goes_with_it(db_url: str, world: World):
    db = open_database(db_url)
    try:
        ticket_id = _ticket(db)
        live.set_presence(db, world.agent, ticket_id, Activity.VIEWING)
        with db.engine.begin() as conn:
            conn.execute(delete(tickets).where(tickets.c.id == ticket_id))
            assert conn.execute(select(func.count()).select_from(presence)).scalar_one() == 0
    finally:
        db.close()
