"""One transaction over the repositories, and the database handle that opens them."""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from sqlalchemy import URL, Connection, Engine, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from desk.domain.changes import ChangeRecorder, Changes
from desk.domain.errors import DatabaseError, DatabaseGone, DatabaseReadOnly

from . import change_log, migrate, recording
from .change_log import ChangeFeed
from .directory import AgentRepository, CategoryRepository, CustomerRepository, TeamRepository
from .engine import WRITE, create_desk_engine, describe, parse_url, plain_error, safe_url
from .housekeeping import LeaseRepository
from .presence import PresenceRepository
from .queues import QueueReader
from .server_logins import ServerLoginRepository
from .settings import DeskSettingsRepository
from .tickets import TicketRepository
from .uniqueness import as_validation_error

if TYPE_CHECKING:
    from .dashboard import DashboardReader
    from .recording_routing import RecordingRoutingRepository

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
#: Called before a unit of work touches the database: raises when it must not.
Guard = Callable[[bool], None]

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
    credentials: recording.RecordingCredentialRepository
    teams: TeamRepository
    categories: CategoryRepository
    queues: QueueReader
    settings: DeskSettingsRepository
    sla: recording.RecordingSlaRepository
    notifications: recording.RecordingNotificationRepository
    leases: LeaseRepository
    presence: PresenceRepository
    reports: recording.RecordingReportRepository
    change_log: change_log.ChangeLogRepository
    audit: recording.RecordingAuditRepository
    #: What the repositories wrote; the change log's row and the listeners get it at commit.
    changes: ChangeRecorder

    def __init__(
        self,
        engine: Engine,
        url: URL,
        clock: Clock,
        *,
        write: bool,
        guard: Guard | None = None,
        feed: ChangeFeed | None = None,
    ) -> None:
        self._engine = engine
        self._url = url
        self._write = write
        self._guard = guard
        self._conn: Connection | None = None
        self._feed = feed or ChangeFeed()
        self.now = clock
        #: What the last commit changed (empty before it).
        self.committed = Changes()

    def __enter__(self) -> SqlUnitOfWork:
        if self._guard is not None:
            self._guard(self._write)
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
        self.changes = changes = ChangeRecorder()
        self.tickets = recording.RecordingTicketRepository(conn, changes)
        self.customers = recording.RecordingCustomerRepository(conn, changes)
        self.agents = recording.RecordingAgentRepository(conn, changes)
        self.credentials = recording.RecordingCredentialRepository(conn, changes)
        self.teams = recording.RecordingTeamRepository(conn, changes)
        self.categories = recording.RecordingCategoryRepository(conn, changes)
        self.queues = QueueReader(conn)
        self.settings = recording.RecordingSettingsRepository(conn, changes)
        self.sla = recording.RecordingSlaRepository(conn, changes)
        self.notifications = recording.RecordingNotificationRepository(conn, changes)
        # The lease row is the sweepers' own business: no view shows it.
        self.leases = LeaseRepository(conn)
        self.presence = PresenceRepository(conn, self._feed.client_id, changes)
        self.reports = recording.RecordingReportRepository(conn, changes)
        self.change_log = change_log.ChangeLogRepository(conn)
        self.audit = recording.RecordingAuditRepository(conn, changes)
        self.logins = ServerLoginRepository(conn)
        return self

    # The dashboard's reader and routing are made when asked for (they hold nothing but
    # the connection): their modules (the dashboard's figures, the routing rules with
    # their checks and JSON: ~70 ms) load when someone opens the dashboard or routes a
    # ticket, not at every start of Desk.

    @property
    def dashboard(self) -> DashboardReader:
        from .dashboard import DashboardReader

        assert self._conn is not None, "a repository outside its transaction"
        return DashboardReader(self._conn)

    @property
    def routing(self) -> RecordingRoutingRepository:
        from .recording_routing import RecordingRoutingRepository

        assert self._conn is not None, "a repository outside its transaction"
        return RecordingRoutingRepository(self._conn, self.changes)

    def commit(self) -> None:
        assert self._conn is not None and self._write, "commit outside a write transaction"
        if self._guard is not None:  # the file may have gone since the transaction began
            self._guard(True)
        changes = self.changes.take()
        try:
            if not changes.is_empty:  # in this transaction: logged if and only if written
                change_log.append(self._conn, self._feed.client_id, changes, self.now())
            self._conn.commit()
        except DBAPIError as exc:
            raise plain_error(exc, self._url) from exc
        self.committed = changes
        if not changes.is_empty:
            self._feed.committed(changes)

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
    """A database Desk has opened and migrated: the factory of units of work.

    A local file is known by its identity (device and inode) from the moment it is opened:
    when its path stops leading to that file (deleted, moved, replaced), every unit of work
    raises `DatabaseGone` instead of writing into a file nobody will see again. A file
    that cannot be written is opened `read_only`, and a write raises `DatabaseReadOnly`.
    """

    def __init__(
        self, engine: Engine, url: URL, clock: Clock = utc_now, *, read_only: bool = False
    ) -> None:
        self.engine = engine
        self.url = url
        self.clock = clock
        #: The database can be read but nothing can be saved to it.
        self.read_only = read_only
        self._path = _local_path(url)
        self._identity = _identity(self._path) if self._path is not None else None
        #: This client's id in the change log and presence, and its commits' listeners.
        self.feed = ChangeFeed()

    @classmethod
    def open(
        cls, url: str | URL, clock: Clock = utc_now, *, migrate_schema: bool = True
    ) -> SqlDatabase:
        parsed = parse_url(url)
        read_only, immutable = _sqlite_access(_local_path(parsed))
        engine = create_desk_engine(parsed, read_only=read_only, immutable=immutable)
        try:
            if read_only:
                state = migrate.schema_state(engine)
                if state != migrate.SchemaState.CURRENT:  # it cannot be set up or upgraded
                    raise DatabaseReadOnly(str(parsed.database))
            elif migrate_schema:
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
        log.info("opened %s%s", safe_url(parsed), " read-only" if read_only else "")
        return cls(engine, parsed, clock, read_only=read_only)

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
        return SqlUnitOfWork(
            self.engine, self.url, self.clock, write=False, guard=self._guard, feed=self.feed
        )

    def write(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(
            self.engine, self.url, self.clock, write=True, guard=self._guard, feed=self.feed
        )

    @property
    def client_id(self) -> str:
        return self.feed.client_id

    def subscribe(self, listener: change_log.Listener) -> Callable[[], None]:
        """Call `listener(changes)` after each commit of this client, on the committing
        thread; returns the function that stops it. Other clients' changes come through
        desk.store.listen."""
        return self.feed.subscribe(listener)

    def check(self) -> None:
        """Raise `DatabaseGone` if the opened file is no longer at its path, or
        `DatabaseUnavailable` if the server does not answer; cheap enough for a timer."""
        if self._path is not None:
            self._check_file()
            return
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except DBAPIError as exc:
            raise plain_error(exc, self.url) from exc

    def _guard(self, write: bool) -> None:
        if write and self.read_only:
            raise DatabaseReadOnly(str(self._path or self.url.database))
        if self._path is not None:
            self._check_file()

    def _check_file(self) -> None:
        assert self._path is not None
        now = _identity(self._path)
        if now == self._identity:
            return
        # Connections still open write into the old file; they must not be reused.
        self.engine.dispose()
        raise DatabaseGone(str(self._path), replaced=now is not None)

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


def _local_path(url: URL) -> Path | None:
    """The file of a local database (None for a server or an in-memory database)."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database).expanduser().resolve()


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError:  # the folder is unreadable now: the file is out of reach all the same
        return None
    return status.st_dev, status.st_ino


def _sqlite_access(path: Path | None) -> tuple[bool, bool]:
    """(read_only, immutable) for an existing local file: read-only when the file or its
    folder cannot be written; immutable too when SQLite could not make its -shm file."""
    if path is None or not path.is_file():
        return False, False
    folder_writable = os.access(path.parent, os.W_OK | os.X_OK)
    if os.access(path, os.W_OK) and folder_writable:
        return False, False
    shm = path.with_name(path.name + "-shm")
    return True, not folder_writable and not shm.exists()


def _existing_file(url: URL) -> bool:
    name = url.database or ""
    return name in ("", ":memory:") or Path(name).expanduser().is_file()
