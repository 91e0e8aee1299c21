"""The housekeeping lease, and the in-app notifications the sweep sends."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, DateTime, bindparam, func, insert, select, text, update

from desk.domain.model import Role

from . import pg_arrays
from .bulk_insert import insert_rows
from .schema import agents, housekeeping_leases, notifications, team_members

#: pg_try_advisory_xact_lock's key for the sweep ("desk" + 1; migrations use "desk").
SWEEP_LOCK_KEY = 0x6465736C
SWEEP = "sweep"

#: A sweep's notifications on PostgreSQL, a batch in one statement.
_ADD_NOTIFICATIONS = text(
    "INSERT INTO notifications (agent_id, ticket_id, kind, data, created_at, read_at)"
    " SELECT n.agent, n.ticket, n.kind, n.data, :now, NULL"
    " FROM unnest(CAST(:agent AS integer[]), CAST(:ticket AS integer[]),"
    " CAST(:kind AS varchar[]), CAST(:data AS json[])) AS n(agent, ticket, kind, data)"
).bindparams(bindparam("now", type_=DateTime(timezone=True)))


def _encoded(datas: list[Mapping[str, Any]]) -> list[str]:
    """Each notice's data as JSON; a sweep sends one breach's data to several agents,
    the same mapping each time, which is encoded once."""
    done: dict[int, str] = {}
    encoded = []
    for data in datas:
        text = done.get(id(data))
        if text is None:
            text = done[id(data)] = json.dumps(dict(data))
        encoded.append(text)
    return encoded


@dataclass(frozen=True, slots=True)
class Notification:
    id: int
    agent_id: int
    ticket_id: int
    kind: str
    data: Mapping[str, Any]
    created_at: datetime
    read_at: datetime | None

    @property
    def unread(self) -> bool:
        return self.read_at is None


class LeaseRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def take(self, holder: str, now: datetime, ttl: timedelta, *, name: str = SWEEP) -> bool:
        """Hold the lease until `now + ttl` if nobody else holds it; True if held.

        On PostgreSQL the transaction first takes an advisory lock, so that two clients
        never both see the lease free; SQLite's write transaction is alone already. The
        lock is released at commit: the row says who holds the lease until it expires.
        """
        if self._conn.dialect.name == "postgresql":
            got = self._conn.execute(
                text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": SWEEP_LOCK_KEY}
            ).scalar_one()
            if not got:
                return False
        row = self._conn.execute(
            select(housekeeping_leases).where(housekeeping_leases.c.name == name)
        ).first()
        if row is None:
            self._conn.execute(
                insert(housekeeping_leases).values(
                    name=name, holder=holder, expires_at=now + ttl, last_sweep_at=None
                )
            )
            return True
        if row.holder != holder and row.expires_at > now:
            return False
        self._conn.execute(
            update(housekeeping_leases)
            .where(housekeeping_leases.c.name == name)
            .values(holder=holder, expires_at=now + ttl)
        )
        return True

    def swept(self, holder: str, now: datetime, *, release: bool, name: str = SWEEP) -> None:
        """Note the sweep's time; `release` gives the lease up (a one-off sweep)."""
        values: dict[str, Any] = {"last_sweep_at": now}
        if release:
            values["expires_at"] = now
        self._conn.execute(
            update(housekeeping_leases)
            .where(housekeeping_leases.c.name == name, housekeeping_leases.c.holder == holder)
            .values(values)
        )

    def last_sweep(self, name: str = SWEEP) -> datetime | None:
        return self._conn.execute(
            select(housekeeping_leases.c.last_sweep_at).where(housekeeping_leases.c.name == name)
        ).scalar_one_or_none()


class NotificationRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, rows: Sequence[tuple[int, int, str, Mapping[str, Any]]], now: datetime) -> None:
        """(agent, ticket, kind, data) each."""
        if rows and self._conn.dialect.name == "postgresql":  # one statement, not one a row
            self._conn.execute(
                _ADD_NOTIFICATIONS,
                {  # as text (desk.store.pg_arrays), not as lists for the driver to quote
                    "agent": pg_arrays.int_array([agent_id for agent_id, _t, _k, _d in rows]),
                    "ticket": pg_arrays.int_array([ticket_id for _a, ticket_id, _k, _d in rows]),
                    "kind": pg_arrays.text_array([kind for _a, _t, kind, _d in rows]),
                    "data": pg_arrays.text_array(_encoded([data for _a, _t, _k, data in rows])),
                    "now": now,
                },
            )
        elif rows:
            insert_rows(
                self._conn,
                notifications,
                ("agent_id", "ticket_id", "kind", "data"),
                [
                    (agent_id, ticket_id, kind, dict(data))
                    for agent_id, ticket_id, kind, data in rows
                ],
                {"created_at": now, "read_at": None},
            )

    def for_agent(self, agent_id: int, limit: int, *, unread_only: bool) -> list[Notification]:
        query = select(notifications).where(notifications.c.agent_id == agent_id)
        if unread_only:
            query = query.where(notifications.c.read_at.is_(None))
        rows = self._conn.execute(query.order_by(notifications.c.id.desc()).limit(limit))
        return [
            Notification(
                r.id, r.agent_id, r.ticket_id, r.kind, r.data or {}, r.created_at, r.read_at
            )
            for r in rows
        ]

    def unread_count(self, agent_id: int) -> int:
        return self._conn.execute(
            select(func.count())
            .select_from(notifications)
            .where(notifications.c.agent_id == agent_id, notifications.c.read_at.is_(None))
        ).scalar_one()

    def mark_read(self, agent_id: int, ids: Sequence[int] | None, now: datetime) -> int:
        """Mark the agent's notifications `ids` (None: all of them) read."""
        query = update(notifications).where(
            notifications.c.agent_id == agent_id, notifications.c.read_at.is_(None)
        )
        if ids is not None:
            query = query.where(notifications.c.id.in_(list(ids)))
        return self._conn.execute(query.values(read_at=now)).rowcount

    def supervisors_of(self, team_id: int | None) -> list[int]:
        """The active supervisors (and admins) who are members of the team."""
        if team_id is None:
            return []
        return list(
            self._conn.scalars(
                select(agents.c.id)
                .join(team_members, team_members.c.agent_id == agents.c.id)
                .where(
                    team_members.c.team_id == team_id,
                    agents.c.role.in_([Role.SUPERVISOR, Role.ADMIN]),
                    agents.c.active.is_(True),
                )
                .order_by(agents.c.id)
            )
        )
