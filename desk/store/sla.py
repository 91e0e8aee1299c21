"""SLA calendars and plans, a help topic's plan, and the clock columns of tickets."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Connection,
    DateTime,
    String,
    and_,
    bindparam,
    delete,
    insert,
    literal_column,
    select,
    text,
    true,
    tuple_,
    type_coerce,
    update,
)

from desk.domain.calendars import BusinessCalendar
from desk.domain.errors import ConflictError, NotFound
from desk.domain.model import Priority, TicketStatus
from desk.domain.sla import Clock, SlaPlan
from desk.domain.sla_history import ManualDue
from desk.domain.thread import EventType
from desk.domain.ticket import Ticket

from . import pg_arrays
from . import sla_codec as codec
from .bulk_insert import insert_rows
from .reports import among
from .schema import (
    business_calendar_versions,
    business_calendars,
    manual_dues,
    sla_plan_versions,
    sla_plans,
    thread_entries,
    tickets,
    topic_plans,
)
from .server_roles import guarded
from .tickets import TICKET_COLUMNS, NewEntry, ticket_from_row

#: The thread events a clock history is read from (desk.domain.sla_history), and the keys
#: of their data it reads.
CLOCK_EVENTS = (EventType.CREATED, EventType.STATUS_CHANGED, EventType.PRIORITY_CHANGED)
_CLOCK_DATA = ("to", "from", "priority")


@dataclass(frozen=True, slots=True)
class StoredClocks:
    """What a recompute writes on a ticket (desk.domain.sla_clock.ClockReading values)."""

    ticket_id: int
    plan_id: int | None
    first_response_due_at: datetime | None
    resolution_due_at: datetime | None
    due_at: datetime | None
    at_risk_at: datetime | None
    epoch: int


@dataclass(frozen=True, slots=True)
class SavedVersion:
    """One version of a calendar or plan: the value, when it was saved, and by whom."""

    version: int
    saved_at: datetime
    saved_by: int | None
    value: Any  # BusinessCalendar or SlaPlan


class ClockTicket(NamedTuple):
    """What a recompute reads of a ticket: a few columns, not a whole `Ticket` (a named
    tuple: made for every ticket of a recompute, three times quicker than a dataclass)."""

    id: int
    created_at: datetime
    priority: Priority
    first_responded_at: datetime | None
    category_id: int | None
    #: As read, for a write that must not overwrite a change made since (see
    #: `SlaRepository.write_recomputed`), and to tell which due times moved.
    version: int | None = None
    due_at: datetime | None = None
    at_risk_at: datetime | None = None


class ClockEvent(NamedTuple):
    """A status, priority or creation event as a clock history reads it (a named tuple,
    as `ClockTicket`: one is made for each of these events of every ticket recomputed)."""

    id: int
    event: EventType
    data: Mapping[str, Any]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class DueClock:
    """A running clock past its stored due time whose breach is not recorded yet."""

    ticket_id: int
    clock: Clock
    due: datetime


@dataclass(frozen=True, slots=True)
class BreachTarget:
    id: int
    version: int
    team_id: int | None
    assignee_id: int | None
    category_id: int | None


#: What the sweep needs of a ticket whose breach it stamped, in BreachTarget's order.
_BREACH_TARGET = (
    tickets.c.id,
    tickets.c.version,
    tickets.c.team_id,
    tickets.c.assignee_id,
    tickets.c.category_id,
)

_DUE_COLUMN = {
    Clock.FIRST_RESPONSE: tickets.c.first_response_due_at,
    Clock.RESOLUTION: tickets.c.resolution_due_at,
}
_BREACH_COLUMN = {
    Clock.FIRST_RESPONSE: tickets.c.first_response_breached_at,
    Clock.RESOLUTION: tickets.c.resolution_breached_at,
}
_WRITE_CLOCKS = (
    update(tickets)
    .where(tickets.c.id == bindparam("p_id"))
    .values(
        sla_plan_id=bindparam("p_plan"),
        first_response_due_at=bindparam("p_first"),
        resolution_due_at=bindparam("p_resolution"),
        due_at=bindparam("p_due"),
        at_risk_at=bindparam("p_at_risk"),
        sla_epoch=bindparam("p_epoch"),
    )
)

#: `_WRITE_CLOCKS` on SQLite as the driver takes it (`write_clocks`).
_SQLITE_WRITE_CLOCKS = (
    "UPDATE tickets SET sla_plan_id = ?, first_response_due_at = ?, resolution_due_at = ?,"
    " due_at = ?, at_risk_at = ?, sla_epoch = ? WHERE id = ?"
)


def _sqlite_time(value: datetime | None) -> str | None:
    """An aware datetime as `UTCDateTime` stores it on SQLite: naive UTC text with all six
    digits of the microseconds, so that the text compares as the instants do."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


# On a guarded server (desk.store.server_roles.guarded): one call for a whole batch.
_GUARDED_CLOCKS = text(
    "SELECT public.desk_write_clocks(CAST(:p_id AS integer[]), CAST(:p_plan AS integer[]),"
    " CAST(:p_first AS timestamptz[]), CAST(:p_resolution AS timestamptz[]),"
    " CAST(:p_due AS timestamptz[]), CAST(:p_at_risk AS timestamptz[]),"
    " CAST(:p_epoch AS integer[]))"
)


#: The same write on PostgreSQL, for a whole batch at once (its arrays, in order).
_CLOCK_ARRAYS = ("p_id", "p_plan", "p_first", "p_resolution", "p_due", "p_at_risk", "p_epoch")
_WRITE_CLOCKS_FROM_ARRAYS = text(
    "UPDATE tickets SET sla_plan_id = c.plan, first_response_due_at = c.first,"
    " resolution_due_at = c.resolution, due_at = c.due, at_risk_at = c.at_risk,"
    " sla_epoch = c.epoch"
    " FROM unnest(CAST(:p_id AS integer[]), CAST(:p_plan AS integer[]),"
    " CAST(:p_first AS timestamptz[]), CAST(:p_resolution AS timestamptz[]),"
    " CAST(:p_due AS timestamptz[]), CAST(:p_at_risk AS timestamptz[]),"
    " CAST(:p_epoch AS integer[]))"
    " AS c(id, plan, first, resolution, due, at_risk, epoch)"
    " WHERE tickets.id = c.id"
)
#: A sweep's events, a batch in one statement (`append_events`).
_APPEND_EVENTS = text(
    "INSERT INTO thread_entries"
    " (ticket_id, kind, agent_id, author_name, body, event, data, created_at, ticket_version)"
    " SELECT e.ticket, e.kind, e.agent, e.author, e.body, e.event, e.data, :now, e.version"
    " FROM unnest(CAST(:ticket AS integer[]), CAST(:kind AS varchar[]),"
    " CAST(:agent AS integer[]), CAST(:author AS varchar[]), CAST(:body AS text[]),"
    " CAST(:event AS varchar[]), CAST(:data AS json[]), CAST(:version AS integer[]))"
    " AS e(ticket, kind, agent, author, body, event, data, version)"
).bindparams(bindparam("now", type_=DateTime(timezone=True)))
#: A recompute's write of a batch it read in an earlier statement: each ticket only if
#: nobody changed it since (its version) nor brought it up to the epoch (a ticket change's
#: own recompute, from the newer history); the tickets written come back.
_WRITE_RECOMPUTED = text(
    "UPDATE tickets SET sla_plan_id = c.plan, first_response_due_at = c.first,"
    " resolution_due_at = c.resolution, due_at = c.due, at_risk_at = c.at_risk,"
    " sla_epoch = c.epoch"
    " FROM unnest(CAST(:p_id AS integer[]), CAST(:p_plan AS integer[]),"
    " CAST(:p_first AS timestamptz[]), CAST(:p_resolution AS timestamptz[]),"
    " CAST(:p_due AS timestamptz[]), CAST(:p_at_risk AS timestamptz[]),"
    " CAST(:p_epoch AS integer[]), CAST(:p_version AS integer[]))"
    " AS c(id, plan, first, resolution, due, at_risk, epoch, version)"
    " WHERE tickets.id = c.id AND tickets.version = c.version AND tickets.sla_epoch < c.epoch"
    " RETURNING tickets.id"
)


def _array_literal(values: Sequence[int | datetime | None]) -> str:
    """PostgreSQL's text form of an array of integers or aware datetimes (ISO 8601: no
    character there needs quoting), for a CAST: the driver's own list adapter quotes and
    escapes each element in Python, several microseconds each, four thousand a batch."""
    return "{" + ",".join("NULL" if v is None else _element(v) for v in values) + "}"


def _element(value: int | datetime) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(int(value))


def _utc(value: str | datetime | None) -> datetime | None:
    """What `UTCDateTime` makes of a value the driver gave (`_as_driver_gives`): SQLite's
    text of a UTC time, or PostgreSQL's aware datetime, as an aware UTC datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value if value.tzinfo is UTC else value.astimezone(UTC)


class SlaRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def _among(self, col: Any, ids: Sequence[int]) -> ColumnElement[bool]:
        """`column IN ids` with one parameter (`desk.store.reports.among`)."""
        return among(self._conn, col, ids)

    # --- calendars ------------------------------------------------------------------

    def calendars(self) -> list[BusinessCalendar]:
        rows = self._conn.execute(select(business_calendars).order_by(business_calendars.c.name))
        return [codec.calendar_from_row(row) for row in rows]

    def calendar(self, calendar_id: int) -> BusinessCalendar:
        row = self._conn.execute(
            select(business_calendars).where(business_calendars.c.id == calendar_id)
        ).first()
        if row is None:
            raise NotFound(f"There is no business calendar {calendar_id}.")
        return codec.calendar_from_row(row)

    def add_calendar(
        self, calendar: BusinessCalendar, actor_id: int | None, now: datetime
    ) -> BusinessCalendar:
        new_id = self._conn.execute(
            insert(business_calendars)
            .values(_calendar_values(calendar, actor_id, now) | {"version": 1})
            .returning(business_calendars.c.id)
        ).scalar_one()
        added = replace(calendar, id=new_id, version=1)
        self._keep_calendar_version(added, actor_id, now)
        return added

    def save_calendar(
        self, calendar: BusinessCalendar, actor_id: int | None, now: datetime
    ) -> BusinessCalendar:
        """Write the calendar over the version it was read at (`calendar.version`)."""
        assert calendar.id is not None
        changed = self._conn.execute(
            update(business_calendars)
            .where(
                business_calendars.c.id == calendar.id,
                business_calendars.c.version == calendar.version,
            )
            .values(_calendar_values(calendar, actor_id, now) | {"version": calendar.version + 1})
        ).rowcount
        if changed != 1:
            self.calendar(calendar.id)  # NotFound when it is gone
            raise ConflictError(f"calendar “{calendar.name}”", [])
        saved = replace(calendar, version=calendar.version + 1)
        self._keep_calendar_version(saved, actor_id, now)
        return saved

    def _keep_calendar_version(
        self, calendar: BusinessCalendar, actor_id: int | None, now: datetime
    ) -> None:
        values = dict(_calendar_values(calendar, actor_id, now))
        values.pop("updated_at"), values.pop("updated_by")
        self._conn.execute(
            insert(business_calendar_versions).values(
                values
                | {
                    "calendar_id": calendar.id,
                    "version": calendar.version,
                    "saved_at": now,
                    "saved_by": actor_id,
                }
            )
        )

    def calendar_versions(self) -> dict[int, list[SavedVersion]]:
        """Every calendar's versions, oldest first."""
        v = business_calendar_versions
        return self._saved_versions(
            select(
                v.c.calendar_id.label("id"),
                v.c.name,
                v.c.zone,
                v.c.week,
                v.c.holidays,
                v.c.version,
                v.c.saved_at,
                v.c.saved_by,
            ).order_by(v.c.calendar_id, v.c.version),
            codec.calendar_from_row,
        )

    # --- plans ----------------------------------------------------------------------

    def plans(self) -> list[SlaPlan]:
        rows = self._conn.execute(select(sla_plans).order_by(sla_plans.c.name))
        return [codec.plan_from_row(row) for row in rows]

    def plan(self, plan_id: int) -> SlaPlan:
        row = self._conn.execute(select(sla_plans).where(sla_plans.c.id == plan_id)).first()
        if row is None:
            raise NotFound(f"There is no SLA plan {plan_id}.")
        return codec.plan_from_row(row)

    def add_plan(self, plan: SlaPlan, actor_id: int | None, now: datetime) -> SlaPlan:
        new_id = self._conn.execute(
            insert(sla_plans)
            .values(_plan_values(plan, actor_id, now) | {"version": 1})
            .returning(sla_plans.c.id)
        ).scalar_one()
        added = replace(plan, id=new_id, version=1)
        self._keep_plan_version(added, actor_id, now)
        return added

    def save_plan(self, plan: SlaPlan, actor_id: int | None, now: datetime) -> SlaPlan:
        assert plan.id is not None
        changed = self._conn.execute(
            update(sla_plans)
            .where(sla_plans.c.id == plan.id, sla_plans.c.version == plan.version)
            .values(_plan_values(plan, actor_id, now) | {"version": plan.version + 1})
        ).rowcount
        if changed != 1:
            self.plan(plan.id)
            raise ConflictError(f"SLA plan “{plan.name}”", [])
        saved = replace(plan, version=plan.version + 1)
        self._keep_plan_version(saved, actor_id, now)
        return saved

    def _keep_plan_version(self, plan: SlaPlan, actor_id: int | None, now: datetime) -> None:
        values = _plan_values(plan, actor_id, now)
        values.pop("updated_at"), values.pop("updated_by")
        self._conn.execute(
            insert(sla_plan_versions).values(
                values
                | {
                    "plan_id": plan.id,
                    "version": plan.version,
                    "saved_at": now,
                    "saved_by": actor_id,
                }
            )
        )

    def plan_versions(self) -> dict[int, list[SavedVersion]]:
        """Every plan's versions, oldest first."""
        v = sla_plan_versions
        return self._saved_versions(
            select(
                v.c.plan_id.label("id"),
                v.c.name,
                v.c.calendar_id,
                v.c.targets,
                v.c.at_risk_percent,
                v.c.pause,
                v.c.escalations,
                v.c.version,
                v.c.saved_at,
                v.c.saved_by,
            ).order_by(v.c.plan_id, v.c.version),
            codec.plan_from_row,
        )

    def _saved_versions(
        self, query: Any, decode: Callable[[Any], Any]
    ) -> dict[int, list[SavedVersion]]:
        found: dict[int, list[SavedVersion]] = defaultdict(list)
        for row in self._conn.execute(query):
            found[row.id].append(SavedVersion(row.version, row.saved_at, row.saved_by, decode(row)))
        return found

    def plan_calendar_versions(self, plan_ids: Sequence[int]) -> dict[int, tuple[int, int] | None]:
        """Plan id → its calendar's (id, version), None for a plan counting every hour."""
        if not plan_ids:
            return {}
        rows = self._conn.execute(
            select(sla_plans.c.id, business_calendars.c.id, business_calendars.c.version)
            .select_from(
                sla_plans.outerjoin(
                    business_calendars, sla_plans.c.calendar_id == business_calendars.c.id
                )
            )
            .where(sla_plans.c.id.in_(sorted(set(plan_ids))))
        )
        return {row[0]: (row[1], row[2]) if row[1] is not None else None for row in rows}

    def topic_plans(self) -> dict[int, int]:
        """Help topic id → plan id, for the topics that have one of their own."""
        rows = self._conn.execute(select(topic_plans.c.category_id, topic_plans.c.plan_id))
        return {row.category_id: row.plan_id for row in rows}

    def set_topic_plan(self, category_id: int, plan_id: int | None) -> None:
        self._conn.execute(delete(topic_plans).where(topic_plans.c.category_id == category_id))
        if plan_id is not None:
            self._conn.execute(insert(topic_plans).values(category_id=category_id, plan_id=plan_id))

    # --- what a ticket's clocks are read from -----------------------------------------

    def clock_entries(self, ticket_ids: Sequence[int]) -> dict[int, list[ClockEvent]]:
        """The status, priority and creation events of each ticket (bodies left out, and
        of the data only what a clock history reads: the database picks those out, which
        costs less than decoding each entry's JSON here)."""
        found: dict[int, list[ClockEvent]] = defaultdict(list)
        if not ticket_ids:
            return found
        e = thread_entries
        rows = self._conn.execute(
            select(
                e.c.ticket_id,
                e.c.id,
                type_coerce(e.c.event, String),
                *(e.c.data[key].as_string() for key in _CLOCK_DATA),
                self._as_driver_gives(e.c.created_at),
            )
            .where(self._among(e.c.ticket_id, ticket_ids), e.c.event.in_(CLOCK_EVENTS))
            .order_by(e.c.ticket_id, e.c.id)
        )
        events = {e.value: e for e in EventType}
        # All rows at once (not one driver call per row), and the data spelled out: this
        # runs for every event of every ticket a recompute reads.
        for ticket_id, entry_id, event, to, was, priority, created_at in rows.all():
            data = {}
            if to is not None:
                data["to"] = to
            if was is not None:
                data["from"] = was
            if priority is not None:
                data["priority"] = priority
            found[ticket_id].append(ClockEvent(entry_id, events[event], data, _utc(created_at)))
        return found

    def _as_driver_gives(self, column: Any) -> Any:
        """A timestamp column as the driver gives it, for `_utc` to decode: a recompute
        reads several per ticket, and the column type's own decoding (a regular
        expression on SQLite, then the time zone, each a Python call) was a tenth of it."""
        if self._conn.dialect.name == "sqlite":
            return type_coerce(column, String)
        return type_coerce(column, DateTime(timezone=True))

    def manual_dues(self, ticket_ids: Sequence[int]) -> dict[int, list[ManualDue]]:
        found: dict[int, list[ManualDue]] = defaultdict(list)
        if not ticket_ids:
            return found
        rows = self._conn.execute(
            select(manual_dues)
            .where(self._among(manual_dues.c.ticket_id, ticket_ids))
            .order_by(manual_dues.c.ticket_id, manual_dues.c.id)
        )
        for row in rows:
            found[row.ticket_id].append(ManualDue(Clock(row.clock), row.set_at, row.due))
        return found

    def add_manual_due(self, ticket_id: int, due: ManualDue, actor_id: int | None) -> None:
        self._conn.execute(
            insert(manual_dues).values(
                ticket_id=ticket_id,
                clock=str(due.clock),
                set_at=due.set_at,
                due=due.due,
                set_by=actor_id,
            )
        )

    def tickets(self, ticket_ids: Sequence[int]) -> list[Ticket]:
        return tickets_by_id(self._conn, ticket_ids)

    def clock_tickets(self, ticket_ids: Sequence[int]) -> list[ClockTicket]:
        """What a batch recompute needs of each ticket, by id."""
        if not ticket_ids:
            return []
        priorities = {p.value: p for p in Priority}
        raw = self._as_driver_gives
        rows = self._conn.execute(
            select(
                tickets.c.id,
                raw(tickets.c.created_at),
                tickets.c.priority,
                raw(tickets.c.first_responded_at),
                tickets.c.category_id,
                tickets.c.version,
                raw(tickets.c.due_at),
                raw(tickets.c.at_risk_at),
            )
            .where(self._among(tickets.c.id, ticket_ids))
            .order_by(tickets.c.id)
        )
        return [
            ClockTicket(
                i,
                _utc(created),
                priorities[int(priority)],
                _utc(responded),
                category,
                version,
                _utc(due),
                _utc(at_risk),
            )
            for i, created, priority, responded, category, version, due, at_risk in rows.all()
        ]

    def stored_clocks(self, ticket_id: int) -> dict[str, Any]:
        row = self._conn.execute(
            select(
                tickets.c.sla_plan_id,
                tickets.c.first_response_due_at,
                tickets.c.resolution_due_at,
                tickets.c.due_at,
                tickets.c.at_risk_at,
                tickets.c.first_response_breached_at,
                tickets.c.resolution_breached_at,
                tickets.c.sla_epoch,
            ).where(tickets.c.id == ticket_id)
        ).first()
        if row is None:
            raise NotFound(f"There is no ticket {ticket_id}.")
        return dict(row._mapping)

    def dues(self, ticket_ids: Sequence[int]) -> dict[int, tuple[datetime | None, ...]]:
        """What the due-time queues (Overdue, At risk, Due today) read of these tickets."""
        if not ticket_ids:
            return {}
        rows = self._conn.execute(
            select(tickets.c.id, tickets.c.due_at, tickets.c.at_risk_at).where(
                self._among(tickets.c.id, ticket_ids)
            )
        )
        return {row.id: (row.due_at, row.at_risk_at) for row in rows}

    # --- writing clocks -------------------------------------------------------------

    def write_clocks(self, clocks: Iterable[StoredClocks]) -> None:
        """Store recomputed due times; the ticket's version stays (no one's edit conflicts)."""
        clocks = list(clocks)
        if not clocks:
            return
        if self._conn.dialect.name == "sqlite":
            # Straight to the driver, each time as the column type spells it: SQLAlchemy's
            # own parameters cost a Python call per ticket and per time (a fifth of a
            # recompute on SQLite).
            self._conn.exec_driver_sql(
                _SQLITE_WRITE_CLOCKS,
                [
                    (
                        c.plan_id,
                        _sqlite_time(c.first_response_due_at),
                        _sqlite_time(c.resolution_due_at),
                        _sqlite_time(c.due_at),
                        _sqlite_time(c.at_risk_at),
                        c.epoch,
                        c.ticket_id,
                    )
                    for c in clocks
                ],
            )
            return
        params = [
            {
                "p_id": c.ticket_id,
                "p_plan": c.plan_id,
                "p_first": c.first_response_due_at,
                "p_resolution": c.resolution_due_at,
                "p_due": c.due_at,
                "p_at_risk": c.at_risk_at,
                "p_epoch": c.epoch,
            }
            for c in clocks
        ]
        if guarded(self._conn):  # the clocks are no login's to write: the desk's function
            self._conn.execute(_GUARDED_CLOCKS, {k: [p[k] for p in params] for k in _CLOCK_ARRAYS})
            return
        if self._conn.dialect.name != "postgresql":
            self._conn.execute(_WRITE_CLOCKS, params)
            return
        # One UPDATE from arrays for the batch: PostgreSQL plans and runs one statement
        # with seven parameters instead of one statement per ticket (most of a
        # recompute's time on a server).
        self._conn.execute(
            _WRITE_CLOCKS_FROM_ARRAYS, {k: [p[k] for p in params] for k in _CLOCK_ARRAYS}
        )

    @property
    def writes_only_unchanged(self) -> bool:
        """Whether `write_recomputed` leaves alone the tickets changed since they were
        read: a recompute may then read a batch in one statement and write it later,
        beside its work on the next (PostgreSQL, except through a guarded server's
        function, which writes whatever it is given)."""
        return self._conn.dialect.name == "postgresql" and not guarded(self._conn)

    def write_recomputed(
        self, clocks: Sequence[StoredClocks], read: Mapping[int, ClockTicket]
    ) -> set[int]:
        """A recompute's due times of tickets as `read` (`clock_tickets`): those written.
        With `writes_only_unchanged`, those changed or brought up to the epoch since
        are left (their own change wrote newer ones); otherwise all are written."""
        if not clocks:
            return set()
        if not self.writes_only_unchanged:  # read in this transaction: nothing changed since
            SlaRepository.write_clocks(self, clocks)
            return {c.ticket_id for c in clocks}
        arrays = {
            "p_id": _array_literal([c.ticket_id for c in clocks]),
            "p_plan": _array_literal([c.plan_id for c in clocks]),
            "p_first": _array_literal([c.first_response_due_at for c in clocks]),
            "p_resolution": _array_literal([c.resolution_due_at for c in clocks]),
            "p_due": _array_literal([c.due_at for c in clocks]),
            "p_at_risk": _array_literal([c.at_risk_at for c in clocks]),
            "p_epoch": _array_literal([c.epoch for c in clocks]),
            "p_version": _array_literal([read[c.ticket_id].version for c in clocks]),
        }
        return set(self._conn.scalars(_WRITE_RECOMPUTED, arrays))

    def behind(self, epoch: int, after_id: int, limit: int | None) -> list[int]:
        """Open tickets last recomputed before `epoch`, by id from `after_id`."""
        return list(
            self._conn.scalars(
                select(tickets.c.id)
                .where(
                    tickets.c.is_active == true(),
                    tickets.c.sla_epoch < epoch,
                    tickets.c.id > after_id,
                )
                .order_by(tickets.c.id)
                .limit(limit)
            )
        )

    def count_behind(self, epoch: int) -> int:
        from sqlalchemy import func

        return self._conn.execute(
            select(func.count())
            .select_from(tickets)
            .where(tickets.c.is_active == true(), tickets.c.sla_epoch < epoch)
        ).scalar_one()

    # --- the sweep ------------------------------------------------------------------

    def past_due(
        self,
        now: datetime,
        limit: int,
        after: Mapping[Clock, tuple[datetime, int]] | None = None,
    ) -> list[DueClock]:
        """Running clocks whose due time has passed and whose breach is not recorded, in
        due order; `after` (clock → the last due time and ticket id a sweep saw) starts
        each clock's walk there, past the breaches its earlier batches recorded (which
        stay in the index and would be stepped over again in every batch)."""
        found: list[DueClock] = []
        for clock, due in _DUE_COLUMN.items():
            query = select(tickets.c.id, due).where(
                tickets.c.is_active == true(),
                due < now,
                _BREACH_COLUMN[clock].is_(None),
            )
            if after is not None and clock in after:
                query = query.where(tuple_(due, tickets.c.id) > tuple_(*after[clock]))
            rows = self._conn.execute(query.order_by(due, tickets.c.id).limit(limit))
            found.extend(DueClock(row[0], clock, row[1]) for row in rows.all())
        return found

    def stamp_breaches(
        self, ticket_ids: Sequence[int], clock: Clock, now: datetime
    ) -> list[BreachTarget]:
        """Record the breach of `clock` on those of `ticket_ids` nobody recorded yet, at
        the clock's stored due time: the tickets this caller recorded, with what the
        sweep needs of each. The row's lock decides between sweepers (a second one finds
        the stamp); the clock must still run past due (an answer committed since it was
        seen stops it)."""
        if not ticket_ids:
            return []
        if guarded(self._conn):  # the stamps are the desk's: a function checks the clock
            stamped = list(
                self._conn.scalars(
                    text(
                        "SELECT * FROM public.desk_stamp_breaches("
                        "CAST(:ids AS integer[]), :clock, :now)"
                    ),
                    {"ids": pg_arrays.int_array(ticket_ids), "clock": str(clock), "now": now},
                )
            )
            if not stamped:
                return []
            rows = self._conn.execute(  # the rows this transaction has just stamped
                select(*_BREACH_TARGET).where(self._among(tickets.c.id, stamped))
            )
            return [BreachTarget(*row) for row in rows.all()]
        stamp, due = _BREACH_COLUMN[clock], _DUE_COLUMN[clock]
        passed = due < now
        if self._conn.dialect.name == "postgresql":
            # The rows are found by their ids, not by the due time, which is written so no
            # index can answer it: after a recompute, until the next ANALYZE, PostgreSQL's
            # statistics said the due times were all empty, and it walked the (is_active,
            # due) index over every running clock past due for each batch of 500 ids:
            # 54,249 breaches took 4.4 s of stamps instead of 1.9 s.
            seen = due.op("+")(literal_column("interval '0 seconds'"))
            passed = type_coerce(seen, DateTime(timezone=True)) < now
        rows = self._conn.execute(
            update(tickets)
            .where(
                self._among(tickets.c.id, ticket_ids),
                stamp.is_(None),
                tickets.c.is_active == true(),
                passed,
            )
            .values({stamp.name: due})
            .returning(*_BREACH_TARGET)
        )
        return [BreachTarget(*row) for row in rows.all()]

    def append_events(self, rows: Sequence[tuple[int, int, NewEntry]], now: datetime) -> None:
        """Thread entries for many tickets at once: (ticket, its version, entry) each."""
        if rows and self._conn.dialect.name == "postgresql":
            # One INSERT from arrays: a statement per entry was most of a sweep's time.
            # The arrays go as text (desk.store.pg_arrays), not as lists for the driver.
            entries = [e for _t, _v, e in rows]
            self._conn.execute(
                _APPEND_EVENTS,
                {
                    "ticket": pg_arrays.int_array([ticket_id for ticket_id, _v, _e in rows]),
                    "kind": pg_arrays.text_array([e.kind for e in entries]),
                    "agent": pg_arrays.int_array([e.agent_id for e in entries]),
                    "author": pg_arrays.text_array([e.author_name for e in entries]),
                    "body": pg_arrays.text_array([e.body for e in entries]),
                    "event": pg_arrays.text_array([e.event for e in entries]),
                    "data": pg_arrays.text_array(
                        [json.dumps(dict(e.data)) if e.data else None for e in entries]
                    ),
                    "version": pg_arrays.int_array([version for _t, version, _e in rows]),
                    "now": now,
                },
            )
        elif rows:
            insert_rows(
                self._conn,
                thread_entries,
                (
                    "ticket_id",
                    "kind",
                    "agent_id",
                    "author_name",
                    "body",
                    "event",
                    "data",
                    "ticket_version",
                ),
                [
                    (
                        ticket_id,
                        entry.kind,
                        entry.agent_id,
                        entry.author_name,
                        entry.body,
                        entry.event,
                        dict(entry.data) if entry.data else None,
                        version,
                    )
                    for ticket_id, version, entry in rows
                ],
                {"created_at": now},
            )

    def resolved_before(self, cutoff: datetime, limit: int) -> list[int]:
        return list(
            self._conn.scalars(
                select(tickets.c.id)
                .where(
                    and_(tickets.c.status == TicketStatus.RESOLVED, tickets.c.resolved_at < cutoff)
                )
                .order_by(tickets.c.resolved_at, tickets.c.id)
                .limit(limit)
            )
        )


def _calendar_values(
    calendar: BusinessCalendar, actor_id: int | None, now: datetime
) -> Mapping[str, Any]:
    return {
        "name": calendar.name,
        "zone": calendar.zone,
        "week": codec.week_json(calendar),
        "holidays": codec.holidays_json(calendar),
        "updated_at": now,
        "updated_by": actor_id,
    }


def _plan_values(plan: SlaPlan, actor_id: int | None, now: datetime) -> dict[str, Any]:
    return {
        "name": plan.name,
        "calendar_id": plan.calendar_id,
        "targets": codec.targets_json(plan),
        "at_risk_percent": plan.at_risk_percent,
        "pause": codec.pause_json(plan),
        "escalations": codec.escalations_json(plan),
        "updated_at": now,
        "updated_by": actor_id,
    }


def tickets_by_id(conn: Connection, ticket_ids: Sequence[int]) -> list[Ticket]:
    """The tickets, for a batch recompute (no lock: the batch's write transaction)."""
    if not ticket_ids:
        return []
    rows = conn.execute(
        select(*TICKET_COLUMNS).where(tickets.c.id.in_(list(ticket_ids))).order_by(tickets.c.id)
    )
    return [ticket_from_row(row) for row in rows]
