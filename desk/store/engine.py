"""Engines for a local SQLite file or a shared PostgreSQL server, and their errors in plain words."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import URL, Connection, Engine, create_engine, event, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from desk.domain.errors import (
    BadDatabaseURL,
    DatabaseError,
    DatabaseReadOnly,
    DatabaseUnavailable,
)
from desk.domain.validation import storable

#: Execution option that makes a SQLite transaction take the write lock at BEGIN.
WRITE = "desk_write"

SQLITE_BUSY_TIMEOUT_S = 15
PG_CONNECT_TIMEOUT_S = 5
#: The server stops a statement that runs longer than this (Desk's take milliseconds;
#: a longer one is waiting on a lock or an overloaded server, and the person waits too).
PG_STATEMENT_TIMEOUT_S = 8
#: Desk stops waiting for a server that does not answer at all (stopped, or a network
#: that drops packets without a word): a little longer than the server's own limit, so
#: that a slow statement is the server's clean refusal and only silence is cut here.
PG_ANSWER_TIMEOUT_S = PG_STATEMENT_TIMEOUT_S + 2
#: TCP keepalives: a connection to a host that vanished is noticed while idle, and
#: unacknowledged data gives up after PG_TCP_USER_TIMEOUT_MS, not the kernel's 15 minutes.
PG_KEEPALIVES = {
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 3,
    "keepalives_count": 3,
    "tcp_user_timeout": PG_ANSWER_TIMEOUT_S * 1000,
}


def parse_url(url: str | URL) -> URL:
    """The URL Desk will use; `postgresql://` means the psycopg 3 driver."""
    if not isinstance(url, (str, URL)):
        raise BadDatabaseURL(f"“{repr(url)[:60]}” is not a database URL.")
    if isinstance(url, str):
        url = storable("url", "The database URL", url)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise BadDatabaseURL(
            f"“{url}” is not a database URL. Use a file path, sqlite:///path/to/desk.sqlite3"
            " or postgresql://user@host:5432/database."
        ) from exc
    backend = parsed.get_backend_name()
    if backend == "postgresql" and parsed.get_driver_name() != "psycopg":
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif backend == "sqlite" and parsed.get_driver_name() != "pysqlite":
        parsed = parsed.set(drivername="sqlite+pysqlite")
    elif backend not in ("sqlite", "postgresql"):
        raise BadDatabaseURL(f"Desk works with SQLite and PostgreSQL databases, not “{backend}”.")
    return parsed


def safe_url(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def server_url(host: str, port: int, database: str, user: str, password: str | None = None) -> str:
    """A PostgreSQL URL with every part escaped (a password may hold '@' or '/')."""
    return URL.create(
        "postgresql", username=user, password=password, host=host, port=port, database=database
    ).render_as_string(hide_password=False)


def file_url(path: str | Path) -> str:
    return URL.create("sqlite", database=str(path)).render_as_string()


def describe(url: URL) -> str:
    """What the status bar says: the local file, or the server and database."""
    if url.get_backend_name() == "sqlite":
        return f"Local file {url.database or '(in memory)'}"
    port = f":{url.port}" if url.port else ""
    return f"Server {url.host or 'localhost'}{port}/{url.database or ''}"


def create_desk_engine(
    url: str | URL, *, read_only: bool = False, immutable: bool = False
) -> Engine:
    """An engine for `url`; a local file can be opened `read_only` (SQLite's mode=ro), and
    `immutable` when even its -wal and -shm files cannot be made (a read-only folder)."""
    parsed = parse_url(url)
    try:
        if parsed.get_backend_name() == "sqlite":
            return _sqlite_engine(parsed, read_only=read_only, immutable=immutable)
        engine = create_engine(
            parsed,
            pool_pre_ping=True,  # a server restarted overnight is not an error in the morning
            # Two, both kept: two queries overlap (a queue's presence read beside its
            # count). With the change listener's own, 3 a client: 40 agents fit max_connections=100
            # (desk/store/listen.py). Kept, not made again for each overlap: an agent's
            # own login pays a scram-sha-256 handshake for every new connection (20-25 ms
            # on a busy server), which made every queue interaction slower.
            pool_size=2,
            max_overflow=0,
            connect_args={
                "connect_timeout": PG_CONNECT_TIMEOUT_S,
                "application_name": "Desk",
                # Desk's queries are short: compiling them costs more than it saves. And
                # a count of a big queue runs beside the window repainting: on one core
                # it leaves the others to the server's other clients (and to the window,
                # when both share a machine), for 30 ms more on a million tickets.
                "options": "-c jit=off -c max_parallel_workers_per_gather=0"
                f" -c statement_timeout={PG_STATEMENT_TIMEOUT_S * 1000}",
                **PG_KEEPALIVES,
            },
        )
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise BadDatabaseURL(f"Cannot use “{safe_url(parsed)}”: {exc}") from exc

    @event.listens_for(engine, "do_connect")
    def on_connect(_dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        return _answering_connection_class().connect(*cargs, **cparams)

    return engine


@cache
def _answering_connection_class() -> type:
    """psycopg's connection, giving up on a server that sends nothing back.

    A stopped server's kernel still acknowledges every packet, so neither keepalives nor
    the TCP user timeout notice it, and the server's statement timeout cannot fire: the
    client must stop waiting on its own. Every exchange with the server (a statement, a
    commit, the pool's ping) goes through `wait`, which psycopg lets time out.
    """
    import psycopg
    from psycopg import errors

    class AnsweringConnection(psycopg.Connection):  # type: ignore[type-arg]
        answer_timeout: float | None = PG_ANSWER_TIMEOUT_S

        def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
            limit = timeout if timeout is not None else self.answer_timeout
            try:
                return super().wait(gen, interval=interval, timeout=limit)
            except errors._WaitTimeout:
                if timeout is not None:  # psycopg's own deadline, its own handling
                    raise
                # Halfway through an exchange the connection cannot be used again.
                self.pgconn.finish()
                raise psycopg.OperationalError(
                    f"timed out: the server sent no answer in {limit:g} s"
                ) from None

    return AnsweringConnection


@contextmanager
def without_time_limits(conn: Connection) -> Iterator[None]:
    """Lift the statement and answer timeouts inside this transaction (a migration that
    builds an index on a million tickets may take minutes)."""
    if conn.dialect.name != "postgresql":
        yield
        return
    conn.exec_driver_sql("SET LOCAL statement_timeout = 0")
    dbapi = conn.connection.dbapi_connection
    saved = getattr(dbapi, "answer_timeout", None)
    try:
        if dbapi is not None and hasattr(dbapi, "answer_timeout"):
            dbapi.answer_timeout = None  # type: ignore[union-attr]
        yield
    finally:
        if dbapi is not None and hasattr(dbapi, "answer_timeout"):
            dbapi.answer_timeout = saved  # type: ignore[union-attr]


def _sqlite_engine(url: URL, *, read_only: bool = False, immutable: bool = False) -> Engine:
    if url.database and url.database != ":memory:":
        folder = Path(url.database).expanduser().resolve().parent
        if not folder.is_dir():
            raise BadDatabaseURL(
                f"The folder {folder} does not exist; cannot create the database there."
            )
    if read_only and url.database:
        # SQLite itself refuses every write (mode=ro): nothing can change the file by mistake.
        path = Path(url.database).expanduser().resolve()
        uri = f"file:{quote(str(path))}?mode=ro" + ("&immutable=1" if immutable else "")

        def connect_read_only() -> sqlite3.Connection:
            return sqlite3.connect(
                uri, uri=True, timeout=SQLITE_BUSY_TIMEOUT_S, check_same_thread=False
            )

        engine = create_engine(url, creator=connect_read_only)
    else:
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling never issues BEGIN IMMEDIATE; take it over.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not read_only:  # choosing the journal writes to the file
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # durable at each checkpoint, safe in WAL
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Any) -> None:
        # Writers take the lock at BEGIN, so two processes queue up instead of one of
        # them failing at its first write with "database is locked" (or losing an update).
        # Readers stay deferred and never block anyone in WAL mode.
        if conn.get_execution_options().get(WRITE):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine


#: A driver's words, what to tell the person instead, and the part of the address to fix.
_PLAIN_WORDS: list[tuple[re.Pattern[str], str, str | None]] = [
    # The server's own state, before the address checks below (it did answer).
    (
        re.compile(r"the database system is starting up|database system is in recovery", re.I),
        "The server at {where} is starting up. Try again in a moment.",
        None,
    ),
    (
        re.compile(
            r"the database system is (shutting down|not accepting connections)"
            r"|terminating connection due to administrator command",
            re.I,
        ),
        "The server at {where} is shutting down or restarting. Try again in a moment.",
        None,
    ),
    (
        re.compile(r"too many clients|remaining connection slots are reserved", re.I),
        "The server at {where} has no connection free for Desk (too many clients). Try"
        " again in a moment, or ask its administrator to allow more connections.",
        None,
    ),
    (
        re.compile(r"canceling statement due to (statement|lock) timeout", re.I),
        "The server at {where} took too long to answer and stopped: nothing was saved."
        " Try again; if it keeps happening, the server is overloaded.",
        None,
    ),
    (
        re.compile(r"canceling statement due to (user request|conflict with recovery)", re.I),
        "The server at {where} stopped the work before it was done: nothing was saved. Try again.",
        None,
    ),
    (
        re.compile(r"No space left on device|could not extend file|database or disk is full", re.I),
        "The disk that holds {where} is full: nothing was saved. Free some space there"
        " and try again.",
        None,
    ),
    (
        re.compile(r"deadlock detected|could not serialize access", re.I),
        "Someone else changed the same things at the same moment: nothing was saved. Try again.",
        None,
    ),
    (
        re.compile(
            r"connection refused|could not connect|connection to server .* failed: No such file",
            re.I,
        ),
        "Nothing answers at {where}. Is the server running, and is the host and port right?",
        "port",
    ),
    (
        re.compile(r"password authentication failed|no password supplied", re.I),
        "The server at {where} refused the user name or password.",
        "password",
    ),
    (
        re.compile(r'database "([^"]+)" does not exist', re.I),
        "The server at {where} has no database named “{0}”.",
        "database",
    ),
    (
        re.compile(r'role "([^"]+)" does not exist', re.I),
        "The server at {where} has no user named “{0}”.",
        "user",
    ),
    (
        re.compile(
            r"could not translate host name|Name or service not known|nodename nor servname", re.I
        ),
        "The host name in {where} is unknown. Check the spelling.",
        "host",
    ),
    (
        re.compile(r"timeout expired|timed out", re.I),
        "The server at {where} did not answer in time.",
        "host",
    ),
    (
        re.compile(r"unable to open database file", re.I),
        "Cannot open the database file {where}. Check that the folder exists and is writable.",
        None,
    ),
    (
        re.compile(r"file is not a database|file is encrypted", re.I),
        "{where} is not a Desk database (the file is not SQLite).",
        None,
    ),
    (
        re.compile(r"database is locked", re.I),
        "The database {where} is busy: another program holds it locked. Try again in a moment.",
        None,
    ),
    (
        re.compile(
            r"terminating connection|server closed the connection|connection .* closed"
            r"|SSL SYSCALL error|no connection to the server|consuming input failed",
            re.I,
        ),
        "The connection to {where} was lost. Desk will reconnect when you try again.",
        None,
    ),
]


def plain_error(exc: BaseException, url: URL) -> DatabaseError:
    """A database driver's error, as a `DatabaseError` a person can act on."""
    text = str(getattr(exc, "orig", None) or exc)
    if url.get_backend_name() == "sqlite":
        where = str(url.database)
    else:
        where = f"{url.host or 'localhost'}:{url.port or 5432}"
    # A read-only file, or a server in read-only mode (a standby, a read-only role).
    if re.search(r"readonly database|read-only transaction|read-only mode", text, re.I):
        return DatabaseReadOnly(where)
    for pattern, message, field in _PLAIN_WORDS:
        match = pattern.search(text)
        if match:
            return DatabaseUnavailable(message.format(*match.groups(), where=where), field)
    first_line = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return DatabaseUnavailable(f"The database at {where} failed: {first_line}")


def is_connection_error(exc: BaseException) -> bool:
    return isinstance(exc, DBAPIError) and (
        exc.connection_invalidated or type(exc).__name__ in ("OperationalError", "InterfaceError")
    )
