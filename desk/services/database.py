"""Opening a database, and the shape of what the services need from it."""

from __future__ import annotations

from typing import Protocol

from desk.store.unit_of_work import SqlDatabase, SqlUnitOfWork


class Database(Protocol):
    """What services need: transactions. `SqlDatabase` is the one real implementation."""

    def read(self) -> SqlUnitOfWork: ...

    def write(self) -> SqlUnitOfWork: ...


def open_database(url: str) -> SqlDatabase:
    """Open (creating and migrating if need be) the database at `url`.

    Raises BadDatabaseURL, DatabaseUnavailable or SchemaTooNew with a message in plain words.
    """
    return SqlDatabase.open(url)


__all__ = ["Database", "SqlDatabase", "open_database"]
