"""Opening a database, trying one out, and the shape of what the services need from it."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from desk.store.engine import parse_url
from desk.store.migrate import SchemaState
from desk.store.unit_of_work import SqlDatabase, SqlUnitOfWork


class Database(Protocol):
    """What services need: transactions. `SqlDatabase` is the one real implementation."""

    def read(self) -> SqlUnitOfWork: ...

    def write(self) -> SqlUnitOfWork: ...

    @property
    def read_only(self) -> bool:
        """Nothing can be saved: a write raises DatabaseReadOnly."""
        ...

    def check(self) -> None:
        """Raises DatabaseGone (the local file left its path) or DatabaseUnavailable."""
        ...

    @property
    def description(self) -> str:
        """Where it is, in words ("desk.sqlite3", "desk on db.example.com")."""
        ...

    @property
    def safe_url(self) -> str:
        """Its URL without any password: what may be remembered or shown."""
        ...

    def server_version(self) -> str:
        """ "SQLite 3.45.1", "PostgreSQL 16.4 …" (the About box); raises DatabaseUnavailable."""
        ...


def open_database(url: str) -> SqlDatabase:
    """Open (creating and migrating if need be) the database at `url`.

    Raises BadDatabaseURL, DatabaseUnavailable or SchemaTooNew with a message in plain words.
    """
    return SqlDatabase.open(url)


def missing_database_file(url: str) -> Path | None:
    """The SQLite file `url` names when there is none there yet (opening it would make a
    new, empty desk); None for a file that exists, a server, or an in-memory database.

    Raises BadDatabaseURL for something that is not a database URL at all.
    """
    parsed = parse_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    path = Path(parsed.database).expanduser().resolve()
    return None if path.exists() else path


_STATE_WORDS = {
    SchemaState.CURRENT: "a Desk database, ready to use.",
    SchemaState.OLDER: "a Desk database from an older version; Desk will upgrade it.",
    SchemaState.EMPTY: "no Desk database here yet; Desk will set one up.",
}


def test_connection(url: str) -> str:
    """Reach the database at `url` without changing anything, and say what is there, e.g.
    "PostgreSQL 16.4: a Desk database, ready to use."

    Raises BadDatabaseURL, DatabaseUnavailable (with the `field` of the address to fix) or
    SchemaTooNew, each with a message in plain words.
    """
    version, state = SqlDatabase.probe(url)
    return f"{version}: {_STATE_WORDS[state]}"


# Not a test: pytest must not collect the service function when a test module imports it.
test_connection.__test__ = False  # type: ignore[attr-defined]

__all__ = [
    "Database",
    "SqlDatabase",
    "missing_database_file",
    "open_database",
    "test_connection",
]
