"""A server that stops answering gives a clear error in seconds, not a frozen Desk."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from desk.domain.errors import DatabaseUnavailable
from desk.services import directory, queries
from desk.services.database import open_database
from desk.store import engine

from ..pg_cluster import throwaway_cluster

pytestmark = pytest.mark.slow


#: How long a test waits for an answer before it fails (instead of hanging with Desk).
PATIENCE_S = engine.PG_ANSWER_TIMEOUT_S + engine.PG_CONNECT_TIMEOUT_S + 3


def _within(seconds: float, call: Callable[[], Any]) -> BaseException | None:
    """Run `call` (expected to fail) in a thread; its exception, or a test failure when it
    has not come back after `seconds` (the server is thawed afterwards, releasing it)."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            call()
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    if not outcome:
        pytest.fail(f"Desk was still waiting for the stopped server after {seconds:g} s")
    return outcome[0]


@pytest.fixture(scope="module")
def cluster():
    yield from throwaway_cluster()


def test_a_stopped_server_is_reported_in_seconds_and_work_resumes_after(cluster):
    db = open_database(cluster.url)
    try:
        admin = directory.create_first_admin(db, "admin", "Ada Admin")
        assert queries.directory(db).agents[0].login == "admin"  # a pooled connection
        cluster.freeze()
        try:
            started = time.monotonic()
            # The answer timeout, and at most one reconnect attempt after it.
            error = _within(PATIENCE_S, lambda: queries.directory(db))
            waited = time.monotonic() - started
        finally:
            cluster.thaw()
        assert isinstance(error, DatabaseUnavailable), error
        assert "did not answer in time" in error.message
        assert f"127.0.0.1:{cluster.port}" in error.message
        assert waited < PATIENCE_S
        # Back up: the next try reconnects without anyone restarting Desk.
        assert [a.id for a in queries.directory(db).agents] == [admin.id]
    finally:
        db.close()


def test_a_stopped_server_during_a_write_saves_nothing(cluster):
    db = open_database(cluster.url)
    try:
        if not directory.has_agents(db):
            directory.create_first_admin(db, "admin", "Ada Admin")
        admin = queries.directory(db).agents[0]
        cluster.freeze()
        try:
            error = _within(PATIENCE_S, lambda: directory.create_team(db, admin.id, "Frozen Team"))
        finally:
            cluster.thaw()
        assert isinstance(error, DatabaseUnavailable), error
        assert "did not answer in time" in error.message
        assert "Frozen Team" not in [t.name for t in queries.directory(db).teams]
        directory.create_team(db, admin.id, "Thawed Team")
        assert "Thawed Team" in [t.name for t in queries.directory(db).teams]
    finally:
        db.close()


def test_a_statement_past_the_servers_limit_is_stopped_in_desks_words(postgres_url, monkeypatch):
    if postgres_url is None:
        pytest.skip("PostgreSQL is not running")
    monkeypatch.setattr(engine, "PG_STATEMENT_TIMEOUT_S", 1)
    db = open_database(postgres_url)
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseUnavailable) as raised, db.read() as uow:
            uow.tickets._conn.exec_driver_sql("SELECT pg_sleep(5)")
        assert time.monotonic() - started < 4
        assert raised.value.message.startswith("The server at 127.0.0.1:5432 took too long")
        assert "canceling" not in raised.value.message
    finally:
        db.close()
