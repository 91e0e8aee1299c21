"""A live desk on both backends: what each write records, the change log, and other
clients hearing every change within a second (and never their own)."""

from __future__ import annotations

import queue
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from desk.domain.changes import Changes, Directory
from desk.domain.errors import ConflictError
from desk.domain.model import TicketStatus
from desk.services import directory, live, queries
from desk.services import tickets as work
from desk.services.database import open_database
from desk.store.schema import change_log
from desk.store.unit_of_work import SqlDatabase

from ..conftest import World

WITHIN_S = 1.0


class Heard:
    """What a listener delivered, in order."""

    def __init__(self) -> None:
        self.queue: queue.Queue[Changes] = queue.Queue()

    def __call__(self, changes: Changes) -> None:
        self.queue.put(changes)

    def next(self, timeout: float = WITHIN_S) -> Changes:
        return self.queue.get(timeout=timeout)

    def until(self, test, timeout: float = WITHIN_S) -> Changes:
        """The merge of what arrived until `test(merged)` holds."""
        deadline = time.monotonic() + timeout
        merged = Changes()
        while not test(merged):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"not heard within {timeout} s; heard {merged}")
            try:
                merged = merged.merge(self.queue.get(timeout=left))
            except queue.Empty:
                continue
        return merged

    def nothing(self, wait: float = 0.6) -> bool:
        time.sleep(wait)
        return self.queue.empty()


def _ticket(db: SqlDatabase) -> int:
    return queries.search_tickets(db, "printer")[0]


def _log_count(db: SqlDatabase) -> int:
    with db.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(change_log)).scalar_one()


# --- what a write records ---------------------------------------------------------------


def test_this_clients_listeners_hear_each_commit_with_what_it_changed(db, world: World):
    heard = Heard()
    stop = db.subscribe(heard)
    ticket_id = _ticket(db)
    claimed = work.claim_ticket(db, world.agent, ticket_id)
    changes = heard.next(0)
    assert dict(changes.tickets) == {ticket_id: claimed.version}
    assert changes.moves.tickets == {ticket_id}
    assert changes.moves.assignees == {None, world.agent}
    assert changes.moves.teams == {None}  # logged without a help topic: no team
    assert changes.entries[ticket_id] >= 1  # its events

    work.add_internal_note(db, world.agent, ticket_id, "Checked the tray.")
    note = heard.next(0)
    assert dict(note.entries) == {ticket_id: 1}
    assert note.moves.is_empty  # a note moves a ticket in no queue
    assert dict(note.tickets) == {ticket_id: claimed.version}

    directory.create_team(db, world.admin, "Network")
    assert heard.next(0).directory == {Directory.TEAMS}
    stop()
    work.reply_to_customer(db, world.agent, ticket_id, "On my way.")
    assert heard.queue.empty()


def test_a_write_that_fails_logs_nothing_and_tells_nobody(db, world: World):
    heard = Heard()
    db.subscribe(heard)
    ticket_id = _ticket(db)
    before = _log_count(db)
    with pytest.raises(ConflictError):
        work.resolve_ticket(db, world.agent, ticket_id, "Fixed.", expected_version=99)
    assert _log_count(db) == before
    assert heard.queue.empty()


def test_each_write_is_one_row_of_the_change_log_in_its_transaction(db, world: World):
    before = _log_count(db)
    ticket_id = _ticket(db)
    work.change_status(db, world.agent, ticket_id, TicketStatus.PENDING, note="Waiting.")
    assert _log_count(db) == before + 1
    with db.read() as uow:
        [last] = uow.change_log.after(uow.change_log.last_id() - 1)
    assert last.client_id == db.client_id
    assert last.changes.moves.statuses == {TicketStatus.NEW, TicketStatus.PENDING}


def test_old_changes_are_pruned_and_ids_are_not_given_again(db_url: str, world: World):
    from datetime import timedelta

    from desk.store.unit_of_work import utc_now

    later = SqlDatabase.open(db_url, clock=lambda: utc_now() + timedelta(days=8))
    try:
        with later.read() as uow:
            last = uow.change_log.last_id()
        assert live.prune_change_log(later) > 0
        assert _log_count(later) == 0
        directory.create_team(later, world.admin, "Network")
        with later.read() as uow:
            assert uow.change_log.last_id() > last
    finally:
        later.close()


# --- other clients ----------------------------------------------------------------------


@pytest.fixture
def other(db_url: str) -> Iterator[SqlDatabase]:
    """A second client on the same database."""
    database = open_database(db_url)
    yield database
    database.close()


def _listening(db: SqlDatabase) -> tuple[Heard, live.ChangeListener]:
    heard = Heard()
    listener = live.other_clients_changes(db, heard)
    listener.start()
    return heard, listener


def test_a_claim_reply_and_new_team_reach_the_other_client_and_never_echo(
    db, other: SqlDatabase, world: World
):
    theirs, their_listener = _listening(other)
    mine, my_listener = _listening(db)
    try:
        ticket_id = _ticket(db)
        started = time.monotonic()
        claimed = work.claim_ticket(db, world.agent, ticket_id)
        heard = theirs.until(lambda c: ticket_id in c.tickets)
        assert time.monotonic() - started < WITHIN_S
        assert heard.tickets[ticket_id] == claimed.version
        assert heard.moves.assignees == {None, world.agent}

        work.reply_to_customer(db, world.agent, ticket_id, "On my way.")
        heard = theirs.until(lambda c: c.entries.get(ticket_id))
        assert heard.tickets[ticket_id] >= claimed.version

        directory.create_team(db, world.admin, "Network")
        assert theirs.until(lambda c: Directory.TEAMS in c.directory)

        # And the other way round: what the other client does reaches this one.
        work.add_internal_note(other, world.supervisor, ticket_id, "Seen.")
        assert mine.until(lambda c: c.entries.get(ticket_id)).moves.is_empty
        assert mine.nothing()  # none of this client's own writes came back to it
        assert theirs.nothing()
    finally:
        their_listener.stop()
        my_listener.stop()


def test_a_change_too_big_for_a_notification_is_read_from_the_log(
    db, other: SqlDatabase, world: World
):
    theirs, listener = _listening(other)
    try:
        with db.write() as uow:  # a bulk change naming thousands of tickets
            for ticket_id in range(1, 3001):
                uow.changes.ticket(ticket_id, 2)
            uow.commit()
        heard = theirs.until(lambda c: len(c.tickets) == 3000)
        assert heard.tickets[3000] == 2
    finally:
        listener.stop()


def test_a_claim_reply_and_new_team_from_another_process_arrive(db, db_url: str, world: World):
    import multiprocessing

    from . import workers

    heard, listener = _listening(db)
    try:
        spawn = multiprocessing.get_context("spawn")
        results = spawn.Queue()
        ticket_id = _ticket(db)
        process = spawn.Process(
            target=workers.claim_reply_and_add_team,
            args=(db_url, world.agent, world.admin, ticket_id, results),
        )
        process.start()
        outcome = results.get(timeout=60)
        process.join(timeout=30)
        assert outcome[0] == "done", outcome
        _, claimed, replied, _team = outcome
        arrived = heard.until(
            lambda c: c.tickets.get(ticket_id, 0) >= replied and bool(c.directory)
        )
        assert arrived.tickets[ticket_id] == replied >= claimed
        assert arrived.moves.assignees == {None, world.agent}
        assert arrived.entries[ticket_id] >= 2  # the claim's event and the reply
        assert arrived.directory == {Directory.TEAMS}
    finally:
        listener.stop()


def test_a_listening_client_holds_three_connections_at_most(db, world: World):
    """What desk/store/listen.py promises, so that 32 agents fit max_connections=100."""
    if db.backend != "postgresql":
        pytest.skip("connections to a server")
    import threading

    from sqlalchemy import create_engine, text

    def held() -> int:
        with probe.connect() as conn:
            return conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND application_name IN ('Desk', 'Desk listener')"
                )
            ).scalar_one()

    probe = create_engine(db.url.set(query={"application_name": "probe"}))
    _heard, listener = _listening(db)
    try:
        ticket_id = _ticket(db)
        gate = threading.Barrier(4, timeout=10)
        peak: list[int] = []

        def busy() -> None:  # four threads at once, as the window's task pool can be
            gate.wait()
            for _ in range(5):
                queries.get_ticket(db, ticket_id)
                peak.append(held())

        threads = [threading.Thread(target=busy) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert max(peak) <= 3
        assert held() == 3  # two kept by the pool (no new handshake per overlap), one listening
    finally:
        listener.stop()
        probe.dispose()


def test_a_client_that_slept_past_what_the_log_remembers_is_told_to_reload(
    db, db_url: str, world: World
):
    """Another client pruned changes this one never heard (a laptop asleep for a week)."""
    from datetime import timedelta

    from desk.store.listen import listen
    from desk.store.unit_of_work import utc_now

    with db.read() as uow:
        asleep_after = uow.change_log.last_id()
    later = SqlDatabase.open(db_url, clock=lambda: utc_now() + timedelta(days=8))
    try:
        ticket_id = _ticket(db)
        work.claim_ticket(later, world.agent, ticket_id)
        with later.write() as uow:  # pruned by a client whose clock is a week on
            uow.change_log.prune(utc_now() + timedelta(days=9))
            uow.commit()
        directory.create_team(later, world.admin, "Network")
        heard = Heard()
        awake = listen(db.url, db.client_id, heard, after_id=asleep_after)
        awake.start()
        try:
            woke = heard.until(lambda c: c.everything)
            assert Directory.TEAMS in woke.directory  # and what is still logged, too
        finally:
            awake.stop()
        # Not told so when nothing was lost.
        with db.read() as uow:
            now_at = uow.change_log.last_id()
        heard = Heard()
        again = listen(db.url, db.client_id, heard, after_id=now_at - 1)
        again.start()
        try:
            assert not heard.until(lambda c: bool(c.directory)).everything
        finally:
            again.stop()
    finally:
        later.close()


def test_a_unit_of_work_that_commits_twice_logs_each_commit_once(db, world: World):
    heard = Heard()
    db.subscribe(heard)
    with db.write() as uow:
        uow.settings.set("country", "GB")
        uow.commit()
        uow.settings.set("sla", "8h")
        uow.commit()
    assert heard.next(0).settings == {"country"}
    assert heard.next(0).settings == {"sla"}
