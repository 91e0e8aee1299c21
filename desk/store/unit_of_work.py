"""One transaction over the repositories, and the database handle that opens them."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from sqlalchemy import URL, Connection, Engine, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from desk.domain.errors import DatabaseError

from . import migrate
from .directory import AgentRepository, CategoryRepository, CustomerRepository, TeamRepository
from .engine import WRITE, create_desk_engine, describe, parse_url, plain_error, safe_url
from .queues import QueueReader
from .settings import DeskSettingsRepository
from .tickets import TicketRepository
from .uniqueness import as_validation_error

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

#: The first statement of every PostgreSQL read transaction.
READ_SNAPSHOT = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"


def utc_now() -> datetime:
    return datetime.now(UTC)


class SqlUnitOfWork:
    """`with db.write() as uow: ...; uow.commit()`; leaving without commit rolls back.

    Driver errors leave as `DatabaseError`s in plain words, so nothing above the store
    needs to know SQLAlchemy.
    """

    tickets: TicketRepository
    customers: CustomerRepository
    agents: AgentRepository
    teams: TeamRepository
    categories: CategoryRepository
    queues: QueueReader
    settings: DeskSettingsRepository

    def __init__(self, engine: Engine, url: URL, clock: Clock, *, write: bool) -> None:
        self._engine = engine
        self._url = url
        self._write = write
        self._conn: Connection | None = None
        self.now = clock

    def __enter__(self) -> SqlUnitOfWork:
        try:
            conn = self._engine.connect()
        except DBAPIError as exc:
            raise plain_error(exc, self._url) from exc
        try:
            if self._write:
                conn = conn.execution_options(**{WRITE: True})
            conn.begin()
            if not self._write and conn.dialect.name == "postgresql":
                # A read promises one snapshot (a ticket and its thread, a queue's count
                # and its page): without this each statement would see the latest commit.
                # SQLite's deferred transaction already is one snapshot.
                conn.exec_driver_sql(READ_SNAPSHOT)
        except DBAPIError as exc:
            conn.close()
            raise plain_error(exc, self._url) from exc
        self._conn = conn
        self.tickets = TicketRepository(conn)
        self.customers = CustomerRepository(conn)
        self.agents = AgentRepository(conn)
        self.teams = TeamRepository(conn)
        self.categories = CategoryRepository(conn)
        self.queues = QueueReader(conn)
        self.settings = DeskSettingsRepository(conn)
        return self

    def commit(self) -> None:
        assert self._conn is not None and self._write, "commit outside a write transaction"
        try:
            self._conn.commit()
        except DBAPIError as exc:
            raise plain_error(exc, self._url) from exc

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.rollback()  # a no-op after commit
            conn.close()
        except DBAPIError:
            log.warning("closing a database connection failed", exc_info=True)
            conn.invalidate()
        if isinstance(exc, IntegrityError):
            refusal = as_validation_error(exc)
            if refusal is not None:
                raise refusal from exc
        if isinstance(exc, DBAPIError):
            raise plain_error(exc, self._url) from exc


class SqlDatabase:
    """A database Desk has opened and migrated: the factory of units of work."""

    def __init__(self, engine: Engine, url: URL, clock: Clock = utc_now) -> None:
        self.engine = engine
        self.url = url
        self.clock = clock

    @classmethod
    def open(
        cls, url: str | URL, clock: Clock = utc_now, *, migrate_schema: bool = True
    ) -> SqlDatabase:
        parsed = parse_url(url)
        engine = create_desk_engine(parsed)
        try:
            if migrate_schema:
                migrate.upgrade(engine)
            else:
                with engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
        except DBAPIError as exc:
            engine.dispose()
            raise plain_error(exc, parsed) from exc
        except DatabaseError:
            engine.dispose()
            raise
        log.info("opened %s", safe_url(parsed))
        return cls(engine, parsed, clock)

    @classmethod
    def probe(cls, url: str | URL) -> tuple[str, migrate.SchemaState]:
        """Reach the database without changing it: its server version and what it holds.

        A local file that does not exist yet is not created; its folder must exist.
        """
        parsed = parse_url(url)
        engine = create_desk_engine(parsed)  # checks a local file's folder
        try:
            if parsed.get_backend_name() == "sqlite" and not _existing_file(parsed):
                return f"SQLite {sqlite3.sqlite_version}", migrate.SchemaState.EMPTY
            return cls(engine, parsed).server_version(), migrate.schema_state(engine)
        except DBAPIError as exc:
            raise plain_error(exc, parsed) from exc
        finally:
            engine.dispose()

    def read(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, self.url, self.clock, write=False)

    def write(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, self.url, self.clock, write=True)

    @property
    def backend(self) -> str:
        return self.url.get_backend_name()

    @property
    def description(self) -> str:
        return describe(self.url)

    @property
    def safe_url(self) -> str:
        return safe_url(self.url)

    def server_version(self) -> str:
        """ "SQLite 3.45.1" or "PostgreSQL 16.4 (Debian 16.4-1)", for the About box."""
        try:
            with self.engine.connect() as conn:
                if self.backend == "sqlite":
                    version = conn.exec_driver_sql("select sqlite_version()").scalar_one()
                    return f"SQLite {version}"
                return f"PostgreSQL {conn.exec_driver_sql('show server_version').scalar_one()}"
        except DBAPIError as exc:
            raise plain_error(exc, self.url) from exc

    def close(self) -> None:
        self.engine.dispose()


def _existing_file(url: URL) -> bool:
    name = url.database or ""
    return name in ("", ":memory:") or Path(name).expanduser().is_file()
