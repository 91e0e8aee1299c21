"""Other clients' changes, heard off the GUI thread: a PostgreSQL listener and a SQLite
watcher, both delivering `Changes` to a callback (on their own thread; the UI's change
hub moves them to the GUI thread). Neither knows anything of Qt.

**PostgreSQL.** A dedicated connection (psycopg 3, autocommit) does `LISTEN desk_changes`
and waits on its socket; it sends no query while the desk is idle (TCP keepalives, not
pings, notice a dead network). The unit of work's NOTIFY carries the change itself, so a
change costs a listener no query either. When the connection is lost (a server restart,
a network drop, a laptop asleep) it reconnects by itself with a growing pause (0.2 s up
to 5 s), listens again, and then reads from `change_log` every change after the last one
it saw, so nothing written while it was away is missed.

**SQLite.** Several copies of Desk on one file: a dedicated connection asks
`PRAGMA data_version` four times a second (answered from the file's shared memory, no
disk read); when another connection has committed it reads the new `change_log` rows.

**Connections per client on a server.** The engine's pool keeps two connections, for
two queries that overlap (desk/store/engine.py: pool_size=2, max_overflow=0; kept, as
an agent's own login pays a scram-sha-256 handshake for each new one), and the listener
holds one: three connections per client. PostgreSQL's default max_connections=100 keeps
3 for superusers, leaving 97: 32 agents hold 96 (until the pool kept only one of the two,
40 agents held 80 and the rest absorbed the overlaps). A pool of four (+4), as
before, would have needed up to 9 a client: 11 agents. For more agents, raise
max_connections (each idle connection costs the server a few MB), or put a pooler such
as PgBouncer in transaction mode in front of the pool's connections — the listener must
then reach the server directly (or through a session-mode pool), because LISTEN belongs
to a session.

Ids are given out when a row is inserted and become visible at commit, so on PostgreSQL
a later id can commit first. Catching up therefore re-reads a margin of ids below the
last one seen and skips those already delivered.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from sqlalchemy import URL

from desk.domain.changes import Changes

from .change_log import CHANNEL, LoggedChange, parse_row

log = logging.getLogger(__name__)

Deliver = Callable[[Changes], None]
StateChanged = Callable[[bool], None]

#: How far below the last id seen catching up looks again (ids committed out of order).
CATCH_UP_MARGIN = 256
#: Ids remembered as delivered, so that one change is never delivered twice.
SEEN_MAX = 4096
BACKOFF_S = (0.2, 0.5, 1.0, 2.0, 5.0)
#: How often the listener's thread looks up from the socket to see if it should stop.
WAKE_S = 0.5
POLL_S = 0.25
_CATCH_UP = "SELECT id, client_id, changes FROM change_log WHERE id > {} ORDER BY id"
_PG_CATCH_UP = _CATCH_UP.format("%s")
_SQLITE_CATCH_UP = _CATCH_UP.format("?")


class ChangeListener(Protocol):
    """What both kinds offer: start, stop, and whether other clients' changes arrive."""

    @property
    def connected(self) -> bool: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...


class _Seen:
    """The last id seen and the recently delivered ones."""

    def __init__(self) -> None:
        self.last_id: int | None = None
        self._order: deque[int] = deque()
        self._ids: set[int] = set()

    def first_time(self, row_id: int) -> bool:
        if row_id in self._ids:
            return False
        self._ids.add(row_id)
        self._order.append(row_id)
        if len(self._order) > SEEN_MAX:
            self._ids.discard(self._order.popleft())
        self.last_id = max(row_id, self.last_id or 0)
        return True


class _Feed:
    """Shared by both: skip own echoes and repeats, merge, deliver."""

    def __init__(self, client_id: str, deliver: Deliver) -> None:
        self.client_id = client_id
        self.seen = _Seen()
        self._deliver = deliver
        #: Rows delivered to the callback (tests and the benchmark count them).
        self.delivered = 0

    def take(self, logged: Iterable[LoggedChange | None]) -> None:
        found = [
            item.changes
            for item in logged
            if item is not None
            and (item is EVERYTHING or self.seen.first_time(item.id))
            and item.client_id != self.client_id
        ]
        if not found:
            return
        changes = Changes.merged(found)
        if changes.is_empty:
            return
        self.delivered += len(found)
        try:
            self._deliver(changes)
        except Exception:  # the listener must outlive a broken callback
            log.exception("delivering changes failed")


def _rows(cursor: Any) -> list[LoggedChange | None]:
    return [parse_row(int(r[0]), str(r[1]), str(r[2])) for r in cursor.fetchall()]


#: What a client is told when changes it missed are no longer in the log.
EVERYTHING = LoggedChange(0, "", Changes(everything=True))


def _pruned_past(oldest: int | None, last_id: int) -> bool:
    """Whether the log lost rows this client never saw: its oldest row comes after the
    one following the last seen (or it is empty, when the client had seen some)."""
    return last_id > 0 and (oldest is None or oldest > last_id + 1)


class PostgresListener:
    """LISTEN on a connection of its own, on a thread of its own; see the module's text."""

    def __init__(
        self,
        url: URL,
        client_id: str,
        deliver: Deliver,
        on_state: StateChanged | None = None,
        *,
        backoff: tuple[float, ...] = BACKOFF_S,
        after_id: int | None = None,
    ) -> None:
        """`after_id`: deliver the changes logged after it first (None: from now on)."""
        self._conninfo = _conninfo(url)
        self._feed = _Feed(client_id, deliver)
        self._feed.seen.last_id = after_id
        self._on_state = on_state
        self._backoff = backoff
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._conn: Any = None
        self.connected = False
        #: Times it has connected (1 at start; each reconnection adds one).
        self.connections = 0
        #: Statements it has sent (tests and the benchmark: none while the desk is idle).
        self.queries = 0
        self._missed_start = False

    @property
    def delivered(self) -> int:
        return self._feed.delivered

    def start(self) -> None:
        """Connect and listen now, so that every change committed from here on arrives;
        if the server cannot be reached the thread keeps trying."""
        try:
            self._connect()
        except Exception as exc:
            log.warning("listening for changes failed; will retry: %s", exc)
            # What the views read meanwhile may go stale before the listener is there.
            self._missed_start = True
        self._thread = threading.Thread(target=self._run, name="desk-listener", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=WAKE_S + 5)
        self._close()

    def _connect(self) -> None:
        import psycopg

        conn = psycopg.connect(self._conninfo, autocommit=True)
        try:
            conn.execute(f"LISTEN {CHANNEL}")  # before catching up: nothing falls between
            self.queries += 2  # with the catch-up below
            seen = self._feed.seen
            if seen.last_id is None:  # the first connection: start from now
                row = conn.execute("SELECT coalesce(max(id), 0) FROM change_log").fetchone()
                seen.last_id = int(row[0]) if row else 0
                if self._missed_start:
                    self._feed.take([EVERYTHING])
            else:
                start = max(0, seen.last_id - CATCH_UP_MARGIN)
                oldest = conn.execute("SELECT min(id) FROM change_log").fetchone()
                rows = _rows(conn.execute(_PG_CATCH_UP, (start,)))
                self.queries += 1
                if _pruned_past(oldest[0] if oldest else None, seen.last_id):
                    rows.append(EVERYTHING)
                self._feed.take(rows)
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        self.connections += 1
        self._set_connected(True)

    def _run(self) -> None:
        import psycopg

        failures = 0
        while not self._stop.is_set():
            if self._conn is None:
                try:
                    self._connect()
                    failures = 0
                except psycopg.Error as exc:
                    delay = self._backoff[min(failures, len(self._backoff) - 1)]
                    failures += 1
                    log.info("listener: reconnecting in %.1f s (%s)", delay, exc)
                    self._stop.wait(delay)
                continue
            try:
                # One at a time: the generator owns the connection while it runs, and a
                # payload too long for NOTIFY needs a query.
                for notify in list(self._conn.notifies(timeout=WAKE_S, stop_after=1)):
                    self._feed.take([self._parse(notify.payload)])
            except psycopg.Error as exc:
                log.info("listener: connection lost (%s)", exc)
                self._close()
                self._set_connected(False)
            except Exception:  # never let the thread die: start afresh, caught up
                log.exception("listener: unexpected failure; reconnecting")
                self._close()
                self._set_connected(False)
                self._stop.wait(self._backoff[-1])

    def _parse(self, payload: str) -> LoggedChange | None:
        parts = payload.split(" ", 2)
        try:
            row_id = int(parts[0])
        except ValueError:
            return None
        client_id = parts[1] if len(parts) > 1 else ""
        if len(parts) == 3:
            return parse_row(row_id, client_id, parts[2])
        if client_id == self._feed.client_id:
            return LoggedChange(row_id, client_id, Changes())
        # Too long for the notification: read it from the log.
        self.queries += 1
        cursor = self._conn.execute(
            "SELECT id, client_id, changes FROM change_log WHERE id = %s", (row_id,)
        )
        rows = _rows(cursor)
        return rows[0] if rows else None

    def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:
                log.debug("closing the listener's connection failed", exc_info=True)

    def _set_connected(self, connected: bool) -> None:
        if connected != self.connected:
            self.connected = connected
            if self._on_state is not None:
                try:
                    self._on_state(connected)
                except Exception:  # the listener must outlive a broken callback
                    log.exception("telling the connection state failed")


class SqliteWatcher:
    """`PRAGMA data_version` on a connection of its own; see the module's text."""

    def __init__(
        self,
        path: str,
        client_id: str,
        deliver: Deliver,
        *,
        interval: float = POLL_S,
        after_id: int | None = None,
    ) -> None:
        """`after_id`: deliver the changes logged after it first (None: from now on)."""
        self._path = path
        self._feed = _Feed(client_id, deliver)
        self._feed.seen.last_id = after_id
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._conn: sqlite3.Connection | None = None
        self._version: int | None = None
        self.connected = False
        #: Questions asked of the file: `PRAGMA data_version`s, and reads of the log after
        #: it moved (tests and the benchmark count them).
        self.polls = 0
        self.reads = 0

    @property
    def delivered(self) -> int:
        return self._feed.delivered

    def start(self) -> None:
        conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout=5000")
        self._conn = conn
        self._version = self._data_version()
        if self._feed.seen.last_id is None:
            row = conn.execute("SELECT coalesce(max(id), 0) FROM change_log").fetchone()
            self._feed.seen.last_id = int(row[0])
        else:
            self._version = None  # read what came after `after_id` at the first look
        self.connected = True
        self._thread = threading.Thread(target=self._run, name="desk-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self._interval + 5)
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()
        self.connected = False

    def _data_version(self) -> int:
        assert self._conn is not None
        self.polls += 1
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                version = self._data_version()
                if version == self._version:
                    continue
                self._version = version
                assert self._conn is not None
                last = self._feed.seen.last_id or 0
                self.reads += 1
                rows = _rows(self._conn.execute(_SQLITE_CATCH_UP, (last,)))
                # SQLite's ids have no gaps (writers take turns, AUTOINCREMENT): a gap
                # means another client pruned rows this one slept through.
                if rows and rows[0] is not None and rows[0].id > last + 1:
                    self.reads += 1
                    oldest = self._conn.execute("SELECT min(id) FROM change_log").fetchone()
                    if _pruned_past(oldest[0], last):
                        rows.append(EVERYTHING)
                self._feed.take(rows)
            except sqlite3.Error:
                log.warning("watching the database for changes failed; trying again", exc_info=True)


def _conninfo(url: URL) -> str:
    from psycopg.conninfo import make_conninfo

    params: dict[str, Any] = {
        "host": url.host,
        "port": url.port,
        "dbname": url.database,
        "user": url.username,
        "password": url.password,
    }
    params.update({k: v for k, v in url.query.items() if isinstance(v, str)})
    params = {k: v for k, v in params.items() if v is not None}
    params.setdefault("connect_timeout", 5)
    params["application_name"] = "Desk listener"
    # A network that drops without a word is noticed in about a minute, without a query.
    params.update(keepalives=1, keepalives_idle=30, keepalives_interval=10, keepalives_count=3)
    return make_conninfo(**params)


def listen(
    url: URL,
    client_id: str,
    deliver: Deliver,
    on_state: StateChanged | None = None,
    *,
    after_id: int | None = None,
) -> ChangeListener:
    """The listener that suits the database at `url` (not started)."""
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database in ("", ":memory:"):
            raise ValueError("an in-memory database has no other clients to hear")
        return SqliteWatcher(database, client_id, deliver, after_id=after_id)
    return PostgresListener(url, client_id, deliver, on_state, after_id=after_id)
