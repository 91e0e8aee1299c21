"""Whether the desk's database can be used now: what the window's connection light and
banner show, and what decides whether writing actions are offered."""

from __future__ import annotations

from .database import Database


def is_read_only(db: Database) -> bool:
    """True when the database can be read but nothing can be saved to it (a read-only file
    or folder); every write then raises DatabaseReadOnly."""
    return db.read_only


def check_database(db: Database) -> None:
    """Reach the database without changing it; cheap enough to run every few seconds.

    Raises DatabaseGone when the local file Desk opened was deleted, moved or replaced, and
    DatabaseUnavailable when the server does not answer, each in plain words.
    """
    db.check()
