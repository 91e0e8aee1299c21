"""Tickets and their threads: load, insert, save with a version check, append entries."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, func, insert, select, text, update

from desk.domain.errors import ChangeByOther, ConflictError, NotFound
from desk.domain.sla import Clock
from desk.domain.thread import EntryKind, EventType, ThreadEntry, describe_event
from desk.domain.ticket import Ticket, format_number

from .schema import agents, customers, teams, thread_entries, tickets
from .server_roles import guarded

_TICKET_FIELDS = tuple(f.name for f in fields(Ticket))
_TICKET_COLUMNS = TICKET_COLUMNS = [tickets.c[name] for name in _TICKET_FIELDS]
# What a save may change; the rest is fixed at creation, and the due time is the clocks'
# (desk.store.sla.write_clocks), which a save never writes.
_MUTABLE = tuple(
    name
    for name in _TICKET_FIELDS
    if name not in ("id", "created_at", "created_by", "version", "due_at")
)


@dataclass(frozen=True, slots=True)
class NewEntry:
    """A thread entry about to be stored."""

    kind: EntryKind
    author_name: str
    agent_id: int | None = None
    body: str = ""
    event: EventType | None = None
    data: Mapping[str, Any] | None = None


def ticket_from_row(row: Row[Any]) -> Ticket:
    return Ticket(**{name: row._mapping[name] for name in _TICKET_FIELDS})


def _name_of(table: Any, key: str) -> Any:
    return select(table.c.name).where(table.c.id == bindparam(key)).scalar_subquery()


_INSERTED = tuple(name for name in _TICKET_FIELDS if name not in ("id", "due_at"))

# Built once: every save is then the same cached statement with new parameters.
_NAMES = {
    "customer_name": _name_of(customers, "p_customer_id"),
    "team_name": _name_of(teams, "p_team_id"),
    "assignee_name": _name_of(agents, "p_assignee_id"),
    "is_active": bindparam("p_is_active"),
}
_SELECT = select(*_TICKET_COLUMNS).where(tickets.c.id == bindparam("p_id"))
_INSERT = (
    insert(tickets)
    .values({name: bindparam(name) for name in _INSERTED} | _NAMES)
    .returning(tickets.c.id)
)
_UPDATE = (
    update(tickets)
    .where(tickets.c.id == bindparam("p_id"), tickets.c.version == bindparam("p_version"))
    .values(
        {name: bindparam(name) for name in _MUTABLE}
        | _NAMES
        | {"version": bindparam("p_new_version")}
    )
)


def _params(ticket: Ticket, names: tuple[str, ...]) -> dict[str, Any]:
    # Only the statement's own parameters: Core would turn any other key that names a
    # column into an extra SET or VALUES entry.
    values = {name: getattr(ticket, name) for name in names}
    values.update(
        p_customer_id=ticket.customer_id,
        p_team_id=ticket.team_id,
        p_assignee_id=ticket.assignee_id,
        p_is_active=ticket.status.is_active,
    )
    return values


class TicketRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def get(self, ticket_id: int, *, for_update: bool = False) -> Ticket:
        query = _SELECT.with_for_update() if for_update else _SELECT
        # PostgreSQL locks the row; SQLite already holds the database's write lock.
        row = self._conn.execute(query, {"p_id": ticket_id}).first()
        if row is None:
            raise NotFound(f"There is no ticket {format_number(ticket_id)}.")
        return ticket_from_row(row)

    def add(self, ticket: Ticket) -> Ticket:
        """Insert a new ticket (at its own version, 1 unless replaying a history)."""
        new_id = self._conn.execute(_INSERT, _params(ticket, _INSERTED)).scalar_one()
        return replace(ticket, id=new_id)

    def save(self, ticket: Ticket, *, bump: bool = True, escalating: Clock | None = None) -> Ticket:
        """Write the ticket back if nobody saved it since it was read; else ConflictError.

        `bump` is False for bookkeeping that records no change of its own (the first
        response time set by a reply), so that it cannot conflict with anyone's edit.
        `escalating` is the sweep's escalation of a breach of that clock: on a guarded
        server, through desk_escalate_ticket, which checks the breach and the plan (an
        agent's own login may not otherwise let go of a colleague's ticket).
        """
        assert ticket.id is not None
        if escalating is not None and guarded(self._conn):
            return self._escalate(ticket, escalating)
        new_version = ticket.version + 1 if bump else ticket.version
        params = _params(ticket, _MUTABLE)
        params.update(p_id=ticket.id, p_version=ticket.version, p_new_version=new_version)
        if self._conn.execute(_UPDATE, params).rowcount != 1:
            raise self.conflict(ticket.id, ticket.version)
        return replace(ticket, version=new_version)

    def _escalate(self, ticket: Ticket, clock: Clock) -> Ticket:
        done = self._conn.execute(
            text(
                "SELECT public.desk_escalate_ticket(:id, :version, :clock, :team, :assignee,"
                " :priority, :overridden, :at)"
            ),
            {
                "id": ticket.id,
                "version": ticket.version,
                "clock": str(clock),
                "team": ticket.team_id,
                "assignee": ticket.assignee_id,
                "priority": int(ticket.priority),
                "overridden": ticket.priority_overridden,
                "at": ticket.updated_at,
            },
        ).scalar_one()
        if not done:
            assert ticket.id is not None
            raise self.conflict(ticket.id, ticket.version)
        return replace(ticket, version=ticket.version + 1)

    def touch(self, ticket_id: int, now: datetime, actor_id: int | None) -> None:
        """Last activity moves (a note was added); the version does not."""
        self._conn.execute(
            update(tickets)
            .where(tickets.c.id == ticket_id)
            .values(updated_at=now, updated_by=actor_id)
        )

    def append(
        self, ticket_id: int, entries: Iterable[NewEntry], *, version: int, now: datetime
    ) -> None:
        """Add entries to the thread, stamped with the ticket version they belong to."""
        self.append_history(ticket_id, [(entry, now, version) for entry in entries])

    def append_history(
        self, ticket_id: int, history: Sequence[tuple[NewEntry, datetime, int]]
    ) -> None:
        """Add entries that each carry their own time and ticket version, in one batch."""
        rows = [
            {
                "ticket_id": ticket_id,
                "kind": entry.kind,
                "agent_id": entry.agent_id,
                "author_name": entry.author_name,
                "body": entry.body,
                "event": entry.event,
                "data": dict(entry.data) if entry.data else None,
                "created_at": at,
                "ticket_version": version,
            }
            for entry, at, version in history
        ]
        if rows:
            self._conn.execute(insert(thread_entries), rows)

    def thread(self, ticket_id: int) -> list[ThreadEntry]:
        rows = self._conn.execute(
            select(thread_entries)
            .where(thread_entries.c.ticket_id == ticket_id)
            .order_by(thread_entries.c.id)
        )
        return [_entry(row) for row in rows.all()]  # one fetch, not a fetch a row

    def conflict(self, ticket_id: int, seen_version: int) -> ConflictError:
        """The error for someone who saw `seen_version`: who changed what since, and when."""
        rows = self._conn.execute(
            select(thread_entries)
            .where(
                thread_entries.c.ticket_id == ticket_id,
                thread_entries.c.ticket_version > seen_version,
                thread_entries.c.kind == EntryKind.EVENT,
            )
            .order_by(thread_entries.c.id)
        )
        changes = [
            ChangeByOther(
                row.author_name, row.created_at, describe_event(row.event, row.data or {})
            )
            for row in rows
        ]
        return ConflictError(format_number(ticket_id), changes)

    def count(self) -> int:
        return self._conn.execute(select(func.count()).select_from(tickets)).scalar_one()


def _entry(row: Row[Any]) -> ThreadEntry:
    return ThreadEntry(
        id=row.id,
        ticket_id=row.ticket_id,
        kind=row.kind,
        author_name=row.author_name,
        agent_id=row.agent_id,
        body=row.body,
        event=row.event,
        data=row.data or {},
        created_at=row.created_at,
        ticket_version=row.ticket_version,
    )
