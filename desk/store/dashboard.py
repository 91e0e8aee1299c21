"""The dashboard's reads: a few grouped counts over the open tickets, each answered from
an index alone (migration 0014), and short index walks for the lanes.

At a million tickets about one in a hundred is open. The counts never visit the table:
  * `status_groups`: one walk of ix_tickets_dashboard_open (is_active, team_id,
    assignee_id, status, created_at) -> per team, assignee and status, the count and the
    oldest creation (the age of the oldest unassigned ticket);
  * `due_groups`: a range of ix_tickets_dashboard_due (is_active, due_at, team_id,
    assignee_id) up to midnight -> overdue and due later today; a range of
    ix_tickets_dashboard_risk (is_active, at_risk_at, due_at, team_id, assignee_id)
    up to now -> at risk;
  * `last_activity`: one probe per agent of ix_thread_entries_agent (agent_id, created_at).
The lanes walk ix_tickets_active_due from now (backwards for the newest breach) and stop
after a page; the unassigned lane sorts the (few) unassigned open tickets.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, case, func, select, true

from desk.domain.dashboard import DueGroup, StatusGroup
from desk.domain.model import TicketStatus
from desk.domain.queues import QueueRow

from .queues import ROW_COLUMNS, row_from
from .schema import agents, thread_entries, tickets


class DashboardReader:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def status_groups(self) -> list[StatusGroup]:
        t = tickets.c
        stmt = (
            select(t.team_id, t.assignee_id, t.status, func.count(), func.min(t.created_at))
            .where(t.is_active == true())
            .group_by(t.team_id, t.assignee_id, t.status)
        )
        return [
            StatusGroup(team, assignee, status, count, _utc(oldest))
            for team, assignee, status, count, oldest in self._conn.execute(stmt)
        ]

    def due_groups(self, now: datetime, end_of_today: datetime) -> list[DueGroup]:
        t = tickets.c
        overdue = func.sum(_flag(t.due_at < now))
        # Grouped by an expression, not the columns: grouped by the columns, SQLite walks
        # ix_tickets_dashboard_open for its order (every open ticket, then the table)
        # instead of the short due-time range. Ids start at 1, so 0 stands for none.
        team, assignee = func.coalesce(t.team_id, 0), func.coalesce(t.assignee_id, 0)
        due = (
            select(team, assignee, overdue, func.count())
            .where(t.is_active == true(), t.due_at < end_of_today)
            .group_by(team, assignee)
        )
        risk = (
            select(team, assignee, func.count())
            .where(t.is_active == true(), t.at_risk_at < now, t.due_at >= now)
            .group_by(team, assignee)
        )
        groups: dict[tuple[int | None, int | None], DueGroup] = {}
        for team_id, assignee_id, late, count in self._conn.execute(due):
            team, assignee = team_id or None, assignee_id or None
            late = int(late or 0)
            groups[(team, assignee)] = DueGroup(team, assignee, late, count - late, 0)
        for team_id, assignee_id, count in self._conn.execute(risk):
            team, assignee = team_id or None, assignee_id or None
            was = groups.get((team, assignee), DueGroup(team, assignee))
            groups[(team, assignee)] = DueGroup(team, assignee, was.overdue, was.due_today, count)
        return list(groups.values())

    def last_activity(self) -> dict[int, datetime]:
        """When each active agent last wrote to a thread (a reply, note or event)."""
        latest = (
            select(func.max(thread_entries.c.created_at))
            .where(thread_entries.c.agent_id == agents.c.id)
            .scalar_subquery()
        )
        stmt = select(agents.c.id, latest).where(agents.c.active == true())
        return {agent_id: _utc(at) for agent_id, at in self._conn.execute(stmt) if at is not None}

    # --- lanes --------------------------------------------------------------------------

    def unassigned_lane(self, limit: int) -> tuple[list[QueueRow], int]:
        t = tickets.c
        where = (t.is_active == true(), t.assignee_id.is_(None))
        stmt = select(*ROW_COLUMNS).where(*where).order_by(t.created_at, t.id).limit(limit)
        total = self._conn.execute(select(func.count()).where(*where)).scalar_one()
        return [row_from(r) for r in self._conn.execute(stmt)], total

    def breach_lane(self, now: datetime, limit: int) -> tuple[list[QueueRow], int]:
        """Overdue tickets, the latest to fall due first, then those at risk, the soonest
        due first; and how many there are of both."""
        t = tickets.c
        overdue = (
            select(*ROW_COLUMNS)
            .where(t.is_active == true(), t.due_at < now)
            .order_by(t.due_at.desc(), t.id.desc())
            .limit(limit)
        )
        rows = [row_from(r) for r in self._conn.execute(overdue)]
        if len(rows) < limit:
            at_risk = (
                select(*ROW_COLUMNS)
                .where(t.is_active == true(), t.due_at >= now, t.at_risk_at < now)
                .order_by(t.due_at, t.id)
                .limit(limit - len(rows))
            )
            rows += [row_from(r) for r in self._conn.execute(at_risk)]
        late = select(func.count()).where(t.is_active == true(), t.due_at < now)
        risky = select(func.count()).where(
            t.is_active == true(), t.at_risk_at < now, t.due_at >= now
        )
        total = self._conn.execute(late).scalar_one() + self._conn.execute(risky).scalar_one()
        return rows, total

    def open_tickets_of(self, agent_id: int) -> list[tuple[int, int]]:
        """(id, version) of every open ticket assigned to the agent, oldest first."""
        t = tickets.c
        stmt = (
            select(t.id, t.version)
            .where(t.is_active == true(), t.assignee_id == agent_id)
            .order_by(t.id)
        )
        return [(i, v) for i, v in self._conn.execute(stmt)]

    # --- charts -------------------------------------------------------------------------

    def arrivals_by_hour(self, since: datetime) -> list[tuple[datetime, int]]:
        """Tickets created since `since`, counted per UTC hour (its start, how many)."""
        return self._by_hour(tickets.c.created_at, since, None)

    def resolutions_by_hour(self, since: datetime) -> list[tuple[datetime, int]]:
        done = tickets.c.status.in_([TicketStatus.RESOLVED, TicketStatus.CLOSED])
        return self._by_hour(tickets.c.resolved_at, since, done)

    def open_count(self) -> int:
        stmt = select(func.count()).where(tickets.c.is_active == true())
        return self._conn.execute(stmt).scalar_one()

    def _by_hour(
        self, column: Any, since: datetime, extra: ColumnElement[bool] | None
    ) -> list[tuple[datetime, int]]:
        if self._conn.dialect.name == "sqlite":
            hour = func.strftime("%Y-%m-%d %H:00:00", column)
        else:
            hour = func.date_trunc("hour", column)
        where = [column >= since]
        if extra is not None:
            where.append(extra)
        stmt = select(hour.label("h"), func.count()).where(*where).group_by("h")
        out = []
        for at, count in self._conn.execute(stmt):
            if isinstance(at, str):
                at = datetime.fromisoformat(at)
            out.append((_utc(at), count))
        return out


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return case((condition, 1), else_=0)


def _utc(at: datetime | None) -> datetime | None:
    """An instant the driver returned without our column type (a truncated hour)."""
    if at is None:
        return None
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
