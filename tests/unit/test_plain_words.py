"""A server's own words never reach the person: each case has Desk's."""

from __future__ import annotations

import pytest

from desk.store.engine import parse_url, plain_error

SERVER = parse_url("postgresql://desk@db.example:5432/desk")
FILE = parse_url("sqlite:////data/desk.sqlite3")


@pytest.mark.parametrize(
    ("driver_text", "expected"),
    [
        (
            'connection failed: connection to server at "10.0.0.5", port 5432 failed:'
            " FATAL:  the database system is starting up",
            "The server at db.example:5432 is starting up. Try again in a moment.",
        ),
        (
            "FATAL:  the database system is shutting down",
            "The server at db.example:5432 is shutting down or restarting.",
        ),
        (
            "FATAL:  terminating connection due to administrator command",
            "The server at db.example:5432 is shutting down or restarting.",
        ),
        ("FATAL:  sorry, too many clients already", "has no connection free for Desk"),
        (
            "FATAL:  remaining connection slots are reserved for non-replication superuser",
            "has no connection free for Desk",
        ),
        ("canceling statement due to statement timeout", "took too long to answer"),
        ("canceling statement due to lock timeout", "took too long to answer"),
        ("canceling statement due to user request", "stopped the work before it was done"),
        (
            'could not extend file "base/16384/16385": No space left on device',
            "The disk that holds db.example:5432 is full: nothing was saved.",
        ),
        ("deadlock detected", "Someone else changed the same things at the same moment"),
        ("timed out: the server sent no answer in 10 s", "did not answer in time"),
        ("consuming input failed: server closed the connection unexpectedly", "was lost"),
    ],
)
def test_server_text_gets_desks_words(driver_text: str, expected: str):
    message = plain_error(Exception(driver_text), SERVER).message
    assert expected in message
    assert "FATAL" not in message and "canceling" not in message


def test_a_full_disk_under_sqlite_is_said_plainly():
    message = plain_error(Exception("database or disk is full"), FILE).message
    assert message.startswith("The disk that holds /data/desk.sqlite3 is full")
