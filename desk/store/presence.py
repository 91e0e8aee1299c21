"""Who is on which ticket: one row per client and ticket, renewed by heartbeats."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select, text, update

from desk.domain.changes import ChangeRecorder
from desk.domain.presence import Activity, PresenceEntry

from .schema import agents, presence
from .server_roles import guarded


class PresenceRepository:
    """Presence of one client (`client_id`), and everyone's as others see it.

    Starting, changing or ending an activity is recorded as a change (others hear of it
    within a second); a heartbeat that only renews the time is not.
    """

    def __init__(self, conn: Connection, client_id: str, changes: ChangeRecorder) -> None:
        self._conn = conn
        self._client_id = client_id
        self._changes = changes

    def set(self, agent_id: int, ticket_id: int, activity: Activity, now: datetime) -> None:
        mine = (presence.c.client_id == self._client_id) & (presence.c.ticket_id == ticket_id)
        row = self._conn.execute(
            select(presence.c.activity, presence.c.agent_id).where(mine)
        ).first()
        if row is None:
            self._conn.execute(
                insert(presence).values(
                    client_id=self._client_id,
                    ticket_id=ticket_id,
                    agent_id=agent_id,
                    activity=activity,
                    heartbeat_at=now,
                )
            )
        else:
            self._conn.execute(
                update(presence)
                .where(mine)
                .values(agent_id=agent_id, activity=activity, heartbeat_at=now)
            )
        if row is None or (row.activity, row.agent_id) != (activity, agent_id):
            self._changes.presence(ticket_id)

    def clear(self, ticket_id: int | None = None) -> None:
        """This client is no longer on `ticket_id` (None: on any ticket)."""
        mine = presence.c.client_id == self._client_id
        if ticket_id is not None:
            mine &= presence.c.ticket_id == ticket_id
        gone = self._conn.execute(delete(presence).where(mine).returning(presence.c.ticket_id))
        for (gone_id,) in gone:
            self._changes.presence(gone_id)

    def heartbeat(self, now: datetime) -> int:
        """Renew every entry of this client, in one statement; how many there are."""
        return self._conn.execute(
            update(presence).where(presence.c.client_id == self._client_id).values(heartbeat_at=now)
        ).rowcount

    def on(self, ticket_ids: Iterable[int], since: datetime) -> list[PresenceEntry]:
        """Other clients' entries on these tickets renewed since `since`, oldest first."""
        ids = list(ticket_ids)
        if not ids:
            return []
        rows = self._conn.execute(
            select(
                presence.c.ticket_id,
                presence.c.agent_id,
                agents.c.name,
                presence.c.activity,
                presence.c.heartbeat_at,
            )
            .join(agents, agents.c.id == presence.c.agent_id)
            .where(
                presence.c.ticket_id.in_(ids),
                presence.c.heartbeat_at >= since,
                presence.c.client_id != self._client_id,
            )
            .order_by(presence.c.heartbeat_at, presence.c.agent_id)
        )
        return [
            PresenceEntry(r.ticket_id, r.agent_id, r.name, r.activity, r.heartbeat_at) for r in rows
        ]

    def prune(self, before: datetime) -> int:
        """Forget every client's entries not renewed since `before` (crashed clients).
        On a guarded server each login may delete only its own rows: the others' go
        through desk_prune_presence, and only once expired."""
        if guarded(self._conn):
            return self._conn.execute(
                text("SELECT public.desk_prune_presence(:before)"), {"before": before}
            ).scalar_one()
        return self._conn.execute(delete(presence).where(presence.c.heartbeat_at < before)).rowcount
