"""The change log: every committed write's `Changes`, for this client's own views at once
and for every other client through the log (and NOTIFY on PostgreSQL).

A unit of work that recorded anything adds one row to `change_log` in its own
transaction, so the row exists if and only if the write does; on PostgreSQL the same
statement queues a NOTIFY on `desk_changes`, which the server delivers at commit. The
payload is "<id> <client id> <changes JSON>", so a listener needs no query for a change
(nor for its own echo); a payload too long for NOTIFY carries the id and client only and
the listener reads the row.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, delete, insert, select, text

from desk.domain.changes import Changes

from .schema import change_log
from .server_roles import guarded

log = logging.getLogger(__name__)

CHANNEL = "desk_changes"
#: PostgreSQL refuses a NOTIFY payload of 8000 bytes or more; leave room for id and client.
MAX_PAYLOAD = 7900

Listener = Callable[[Changes], None]

_INSERT = insert(change_log).values(
    created_at=bindparam("created_at"),
    client_id=bindparam("client_id"),
    changes=bindparam("changes"),
)
# One statement on PostgreSQL: the row and its notification.
_INSERT_AND_NOTIFY = text(
    "WITH row AS ("
    " INSERT INTO change_log (created_at, client_id, changes)"
    " VALUES (:created_at, CAST(:client_id AS text), CAST(:changes AS text)) RETURNING id)"
    " SELECT id, pg_notify(:channel, id::text || ' ' || CAST(:client_id AS text)"
    " || CASE WHEN length(CAST(:changes AS text)) <= :max"
    " THEN ' ' || CAST(:changes AS text) ELSE '' END) FROM row"
).bindparams(bindparam("created_at", type_=change_log.c.created_at.type))


class ChangeFeed:
    """One client's side of the feed: its id (so it can recognise its own echoes) and the
    callbacks that hear its own commits, on the thread that committed."""

    def __init__(self, client_id: str | None = None) -> None:
        self.client_id = client_id or uuid.uuid4().hex
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener(changes)` after each commit of this client; returns the undo."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def committed(self, changes: Changes) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(changes)
            except Exception:  # one broken view must not make a committed write fail
                log.exception("a change listener failed")


def append(conn: Connection, client_id: str, changes: Changes, now: datetime) -> int:
    """Log `changes` inside the current transaction (and NOTIFY on PostgreSQL); its id."""
    params = {"created_at": now, "client_id": client_id, "changes": changes.to_json()}
    if conn.dialect.name == "postgresql":
        params |= {"channel": CHANNEL, "max": MAX_PAYLOAD}
        return conn.execute(_INSERT_AND_NOTIFY, params).scalar_one()
    return conn.execute(_INSERT.returning(change_log.c.id), params).scalar_one()


@dataclass(frozen=True, slots=True)
class LoggedChange:
    id: int
    client_id: str
    changes: Changes


def parse_row(row_id: int, client_id: str, changes: str) -> LoggedChange | None:
    try:
        return LoggedChange(row_id, client_id, Changes.from_json(changes))
    except (ValueError, TypeError, AttributeError):
        log.warning("change_log row %s is not readable; skipped", row_id, exc_info=True)
        return None


class ChangeLogRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def last_id(self) -> int:
        query = select(change_log.c.id).order_by(change_log.c.id.desc()).limit(1)
        return self._conn.execute(query).scalar() or 0

    def after(self, row_id: int) -> list[LoggedChange]:
        """The changes logged after `row_id`, oldest first (unreadable rows left out)."""
        rows = self._conn.execute(
            select(change_log.c.id, change_log.c.client_id, change_log.c.changes)
            .where(change_log.c.id > row_id)
            .order_by(change_log.c.id)
        )
        found = [parse_row(r.id, r.client_id, r.changes) for r in rows]
        return [item for item in found if item is not None]

    def prune(self, before: datetime) -> int:
        """Forget changes logged before `before`; how many rows went. On a guarded
        server through desk_prune_change_log, which keeps the last day's whatever the
        client asks (nobody's login deletes what others have yet to hear)."""
        if guarded(self._conn):
            return self._conn.execute(
                text("SELECT public.desk_prune_change_log(:before)"), {"before": before}
            ).scalar_one()
        return self._conn.execute(
            delete(change_log).where(change_log.c.created_at < before)
        ).rowcount
