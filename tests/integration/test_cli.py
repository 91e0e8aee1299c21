"""The `desk` command: version, seed-demo, and one-line errors for bad databases."""

from __future__ import annotations

import subprocess
import sys

import pytest

from desk import __version__
from desk.domain.model import TicketStatus
from desk.services import queries
from desk.services.database import open_database
from desk.services.queries import directory


def desk(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desk", *args], capture_output=True, text=True, timeout=timeout
    )


def test_version():
    result = desk("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"Desk {__version__}"


def test_seed_demo_fills_a_working_desk(db_url: str):
    result = desk("seed-demo", "--db", db_url, "--tickets", "120")
    assert result.returncode == 0, result.stderr
    assert "tickets: 120" in result.stdout and "customers: 300" in result.stdout
    db = open_database(db_url)
    try:
        people = directory(db)
        assert {t.name for t in people.teams} >= {
            "Service Desk",
            "System Administrators",
            "Network",
        }
        assert len(people.agents) == 13
        with db.read() as uow:
            assert uow.tickets.count() == 120
        # Every status shows up, and tickets have believable threads.
        statuses = {row.status for row in queries.queue_page(db, _all(), 0, 200)}
        assert statuses >= {TicketStatus.CLOSED, TicketStatus.RESOLVED, TicketStatus.OPEN}
        newest = queries.get_ticket(db, queries.queue_page(db, _all(), 0, 1)[0].id)
        assert newest.thread[0].body  # the caller's own words come first
    finally:
        db.close()


def _all():
    from desk.domain.queues import QueueQuery, SortKey

    return QueueQuery(sort=SortKey.NUMBER)


@pytest.mark.parametrize(
    ("url", "says", "code"),
    [
        ("postgresql://postgres@127.0.0.1:1/desk", "Nothing answers at 127.0.0.1:1", 1),
        (
            "postgresql://postgres@127.0.0.1:5432/no_such_desk_db",
            "no database named “no_such_desk_db”",
            1,
        ),
        ("mysql://root@127.0.0.1/test", "Desk works with SQLite and PostgreSQL", 2),
        ("/no/such/folder/desk.sqlite3", "The folder /no/such/folder does not exist", 2),
    ],
)
def test_bad_databases_give_one_line_and_a_non_zero_exit(url: str, says: str, code: int):
    result = desk("seed-demo", "--db", url, "--tickets", "1")
    assert result.returncode == code
    assert says in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("not a url at all::", "“not a url at all::” is not a database URL"),
        ("team.db", "There is no Desk database at"),
    ],
)
def test_seed_demo_makes_no_desk_from_a_typo(tmp_path, given: str, says: str):
    result = subprocess.run(
        [sys.executable, "-m", "desk", "seed-demo", "--db", given, "--tickets", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert says in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []
