"""Recomputing a ticket's SLA clocks from its history, inside the transaction that
changed it, and storing the due times the queues and the sweep read.

Every ticket change (intake, status, priority, customer message, reply, transfer) calls
`refresh` before committing; a plan or calendar edit raises the desk's SLA epoch, and
`desk.services.sla.recompute_open_tickets` brings the open tickets up to it in batches.
"""

from __future__ import annotations

import weakref
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from desk.domain.calendars import BusinessCalendar
from desk.domain.queues import QueueRow
from desk.domain.sla import SlaPlan, choose_plan
from desk.domain.sla_clock import SlaReading, read_clocks
from desk.domain.sla_history import CalendarVersion, ClockHistory, PlanVersion, history_from_thread
from desk.domain.ticket import Ticket
from desk.store.sla import ClockTicket, SavedVersion, StoredClocks
from desk.store.unit_of_work import SqlUnitOfWork

from . import report_facts

#: Desk settings: the plan of tickets whose help topic has none, and the SLA epoch.
DEFAULT_PLAN = "sla_default_plan"
EPOCH = "sla_epoch"

#: A plan's calendar when it names none: every hour counts, in UTC.
ALWAYS_OPEN = BusinessCalendar.always_open("UTC", name="24/7")
#: The plan of a ticket that has none but a due time set by hand: it promises nothing.
NO_PLAN = SlaPlan(None, "No plan", {}, at_risk_percent=None)


@dataclass(frozen=True)
class SlaContext:
    """The plans, calendars and topic tree a recompute reads once per transaction."""

    plans: Mapping[int, SlaPlan]
    calendars: Mapping[int, BusinessCalendar]
    topic_plans: Mapping[int, SlaPlan]
    parents: Mapping[int, int | None]
    default: SlaPlan | None
    epoch: int
    #: Every version of each plan and calendar as saved, oldest first.
    plan_history: Mapping[int, Sequence[SavedVersion]] = field(default_factory=dict)
    calendar_history: Mapping[int, Sequence[SavedVersion]] = field(default_factory=dict)

    @property
    def zone(self) -> ZoneInfo:
        """The zone the reports count local days in."""
        default = self.calendar_of(self.default) if self.default is not None else None
        return report_facts.report_zone(default.zone if default is not None else None)

    def plan_for(self, ticket: Ticket | ClockTicket) -> SlaPlan | None:
        return self.plan_for_topic(ticket.category_id)

    def plan_for_topic(self, topic_id: int | None) -> SlaPlan | None:
        return choose_plan(
            topic_id,
            topic_plans=self.topic_plans,
            parents=self.parents,
            default=self.default,
        )

    def calendar_of(self, plan: SlaPlan) -> BusinessCalendar:
        if plan.calendar_id is None:
            return ALWAYS_OPEN
        return self.calendars.get(plan.calendar_id, ALWAYS_OPEN)

    @cached_property
    def _saved_at(self) -> dict[tuple[str, int], list[datetime]]:
        """When each version of each plan and calendar was saved: what `versions` bisects
        for every ticket of a recompute, listed once."""
        found = {("plan", k): [s.saved_at for s in v] for k, v in self.plan_history.items()}
        found.update(
            {("calendar", k): [s.saved_at for s in v] for k, v in self.calendar_history.items()}
        )
        return found

    @cached_property
    def _versions_from(self) -> dict[tuple[SlaPlan, int, int], tuple[Any, ...]]:
        return {}

    def versions(
        self, plan: SlaPlan, since: datetime
    ) -> tuple[tuple[PlanVersion, ...], tuple[CalendarVersion, ...]]:
        """The versions of `plan` in force from `since` (a ticket's creation) to now, and
        of the calendars those versions name: each from when it was saved."""
        # Which versions those are depends on `since` only through the plan version and
        # the calendar version in force at `since`; the later ones take over when they
        # were saved. So they are listed once per pair, not for every ticket.
        key = plan.id or 0
        plan_times = self._saved_at.get(("plan", key))
        first = max(0, bisect_right(plan_times, since) - 1) if plan_times else -1
        first_plan = self.plan_history[key][first].value if plan_times else plan
        calendar_id = first_plan.calendar_id
        calendar_times = (
            None if calendar_id is None else self._saved_at.get(("calendar", calendar_id))
        )
        first_calendar = max(0, bisect_right(calendar_times, since) - 1) if calendar_times else -1
        memo = (plan, first, first_calendar)
        found = self._versions_from.get(memo)
        if found is None:
            plans, calendars = self._versions(plan, since)
            found = (plans[0].plan, plans[1:], calendars[0].calendar, calendars[1:])
            self._versions_from[memo] = found
        plan_then, later_plans, calendar_then, later_calendars = found
        return (
            (PlanVersion(since, plan_then), *later_plans),
            (CalendarVersion(since, calendar_then), *later_calendars),
        )

    def _versions(
        self, plan: SlaPlan, since: datetime
    ) -> tuple[tuple[PlanVersion, ...], tuple[CalendarVersion, ...]]:
        key = plan.id or 0
        saved_plans = self.plan_history.get(key, ())
        plans = _in_force(saved_plans, since, times=self._saved_at.get(("plan", key))) or [
            (since, plan)
        ]
        calendars: list[tuple[datetime, BusinessCalendar]] = []
        for n, (start, version) in enumerate(plans):
            end = plans[n + 1][0] if n + 1 < len(plans) else None
            if version.calendar_id is None:
                found = [(start, ALWAYS_OPEN)]
            else:
                saved = self.calendar_history.get(version.calendar_id, ())
                times = self._saved_at.get(("calendar", version.calendar_id))
                found = _in_force(saved, start, end, times=times) or [
                    (start, self.calendar_of(version))
                ]
            for at, calendar in found:
                if not calendars or calendars[-1][1] is not calendar:
                    calendars.append((at, calendar))
        return (
            tuple(PlanVersion(at, p) for at, p in plans),
            tuple(CalendarVersion(at, c) for at, c in calendars),
        )


def _in_force(
    saved: Sequence[SavedVersion],
    start: datetime,
    end: datetime | None = None,
    *,
    times: Sequence[datetime] | None = None,
) -> list[tuple[datetime, object]]:  # type: ignore[type-arg]
    """The version in force at `start` (the first one, if all came later), then each one
    saved after it and before `end`, with the instant each took over. `times`: when each
    of `saved` was saved, if the caller has them listed already."""
    if not saved:
        return []
    if times is None:
        times = [s.saved_at for s in saved]
    first = max(0, bisect_right(times, start) - 1)
    found = [(start, saved[first].value)]
    for later in saved[first + 1 :]:
        if end is not None and later.saved_at >= end:
            break
        if later.saved_at > start:
            found.append((later.saved_at, later.value))
    return found


def load_context(uow: SqlUnitOfWork, previous: SlaContext | None = None) -> SlaContext:
    """The plans and calendars as they are now. `previous` (the context of the batch
    before, in a recompute): each of its calendar values is kept where the same calendar
    or version reads the same, so their per-day tables are not built again per batch."""
    plans = {p.id: p for p in uow.sla.plans() if p.id is not None}
    before = previous.calendars if previous is not None else {}
    calendars = {c.id: _same(before.get(c.id), c) for c in uow.sla.calendars() if c.id is not None}
    history = previous.calendar_history if previous is not None else {}
    calendar_history = {
        k: [_same_version(history.get(k, ()), n, v) for n, v in enumerate(saved)]
        for k, saved in uow.sla.calendar_versions().items()
    }
    topic_plans = {
        topic: plans[plan_id]
        for topic, plan_id in uow.sla.topic_plans().items()
        if plan_id in plans
    }
    parents = {c.id: c.parent_id for c in uow.categories.all() if c.id is not None}
    return SlaContext(
        plans,
        calendars,
        topic_plans,
        parents,
        plans.get(stored_int(uow, DEFAULT_PLAN) or 0),
        stored_int(uow, EPOCH) or 0,
        uow.sla.plan_versions(),
        calendar_history,
    )


def _same(before: BusinessCalendar | None, now: BusinessCalendar) -> BusinessCalendar:
    return before if before is not None and before == now else now


def _same_version(before: Sequence[SavedVersion], n: int, now: SavedVersion) -> SavedVersion:
    return before[n] if n < len(before) and before[n] == now else now


def stored_int(uow: SqlUnitOfWork, key: str) -> int | None:
    value = uow.settings.get(key)
    try:
        return int(value) if value else None
    except ValueError:
        return None


def history_of(
    uow: SqlUnitOfWork,
    context: SlaContext,
    tickets: Sequence[Ticket | ClockTicket],
    *,
    every: bool = False,
) -> dict[int, tuple[SlaPlan | None, ClockHistory | None]]:
    """Each ticket's plan and clock history (None for a ticket no plan covers, unless
    `every`: then its history under `NO_PLAN`, which the reports count from)."""
    ids = [t.id for t in tickets if t.id is not None]
    entries = uow.sla.clock_entries(ids)
    manual = uow.sla.manual_dues(ids)
    found: dict[int, tuple[SlaPlan | None, ClockHistory | None]] = {}
    for ticket in tickets:
        assert ticket.id is not None
        plan = context.plan_for(ticket)
        dues = manual.get(ticket.id, [])
        if plan is None and not dues and not every:
            found[ticket.id] = (None, None)
            continue
        if plan is None:
            plans = (PlanVersion(ticket.created_at, NO_PLAN),)
            calendars = (CalendarVersion(ticket.created_at, ALWAYS_OPEN),)
        else:
            plans, calendars = context.versions(plan, ticket.created_at)
        history = history_from_thread(
            ticket,
            entries.get(ticket.id, []),
            plans=plans,
            calendars=calendars,
            manual_dues=dues,
        )
        found[ticket.id] = (plan, history)
    return found


def stored(ticket_id: int, plan: SlaPlan | None, reading: SlaReading | None, epoch: int):
    if reading is None:
        return StoredClocks(ticket_id, None, None, None, None, None, epoch)
    first = reading.first_response.queue_due
    resolution = reading.resolution.queue_due
    return StoredClocks(
        ticket_id,
        plan.id if plan is not None else None,
        first,
        resolution,
        _earliest(first, resolution),
        _earliest(reading.first_response.queue_at_risk, reading.resolution.queue_at_risk),
        epoch,
    )


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None:
        return b
    return a if b is None or a <= b else b


def refresh(
    uow: SqlUnitOfWork,
    tickets: Sequence[Ticket | ClockTicket],
    now: datetime,
    context: SlaContext | None = None,
    *,
    report_rows: bool,
) -> list[StoredClocks]:
    """Recompute and store the clocks of `tickets` (as saved in this transaction), and
    the rows the reports count them from: with `report_rows` (a ticket change, given
    whole `Ticket`s) whole rows; without (a plan's recompute of a few columns, open
    tickets) only the first-response figures, the only ones that depend on the plan."""
    context = context or load_context(uow)
    histories = history_of(uow, context, tickets, every=True)
    written = []
    readings = {}
    for ticket_id, (plan, history) in histories.items():
        reading = None if history is None else read_clocks(history, now, explain=False)
        kept = reading if plan is not None or (history and history.manual_dues) else None
        written.append(stored(ticket_id, plan, kept, context.epoch))
        if history is not None and reading is not None:
            readings[ticket_id] = (plan or NO_PLAN, history, reading)
    uow.sla.write_clocks(written)
    if report_rows:
        facts_of = {t.id: t for t in tickets if isinstance(t, Ticket) and t.id is not None}
        report_facts.record(uow, facts_of, readings, context.zone)
    else:
        clock_tickets = [t for t in tickets if isinstance(t, ClockTicket)]
        report_facts.record_first_responses(uow, clock_tickets, readings)
    return written


@dataclass(frozen=True, slots=True)
class RecomputeBatch:
    """What a recompute reads of a batch of open tickets before working out their clocks
    (`compute_batch`): nothing of it is read again when they are written."""

    tickets: Sequence[ClockTicket]
    histories: Mapping[int, tuple[SlaPlan | None, ClockHistory | None]]
    #: The report rows' first-response figures of the answered tickets.
    first_responses: Mapping[int, tuple[object, ...]]
    epoch: int


@dataclass(frozen=True, slots=True)
class RecomputedBatch:
    read: Mapping[int, ClockTicket]
    clocks: Sequence[StoredClocks]
    #: (ticket, business seconds, calendar seconds, within target) that changed.
    first_responses: Sequence[tuple[int, int, int, bool | None]]


def read_batch(uow: SqlUnitOfWork, context: SlaContext, ids: Sequence[int]) -> RecomputeBatch:
    """A recompute's reads of the open tickets `ids`."""
    tickets = uow.sla.clock_tickets(ids)
    histories = history_of(uow, context, tickets, every=True)
    answered = [t.id for t in tickets if t.first_responded_at is not None]
    return RecomputeBatch(tickets, histories, uow.reports.first_responses(answered), context.epoch)


def compute_batch(batch: RecomputeBatch, now: datetime) -> RecomputedBatch:
    """The clocks of a batch as `refresh` works them out, from what was read: no database."""
    written = []
    readings = {}
    for ticket_id, (plan, history) in batch.histories.items():
        reading = None if history is None else read_clocks(history, now, explain=False)
        kept = reading if plan is not None or (history and history.manual_dues) else None
        written.append(stored(ticket_id, plan, kept, batch.epoch))
        if history is not None and reading is not None:
            readings[ticket_id] = (plan or NO_PLAN, history, reading)
    changed = report_facts.changed_first_responses(batch.tickets, readings, batch.first_responses)
    return RecomputedBatch({t.id: t for t in batch.tickets}, written, changed)


def write_batch(uow: SqlUnitOfWork, batch: RecomputedBatch) -> int:
    """Store a computed batch; the number of tickets written (not those changed since
    they were read, on a database where the write can tell: see
    `SlaRepository.write_recomputed`)."""
    written = uow.sla.write_recomputed(batch.clocks, batch.read)
    uow.reports.write_first_responses([f for f in batch.first_responses if f[0] in written])
    return len(written)


def refresh_one(uow: SqlUnitOfWork, ticket: Ticket) -> None:
    """`refresh` for the ticket a service just saved."""
    refresh(uow, [ticket], uow.now(), report_rows=True)


#: Calendars read for the queue table's "time left", per database and (id, version): a
#: calendar's per-day table is built once and serves every page read after it.
_CALENDARS: weakref.WeakKeyDictionary[object, dict[tuple[int, int], BusinessCalendar]] = (
    weakref.WeakKeyDictionary()
)


def with_time_left(
    db: object, uow: SqlUnitOfWork, rows: Sequence[QueueRow], now: datetime
) -> list[QueueRow]:
    """The rows with the business time left until each one's due time (`due_left`), in
    the calendar of its ticket's plan: one small read of the plans' calendar versions."""
    if not any(r.due_at is not None for r in rows):
        return list(rows)
    plan_ids = sorted({r.sla_plan_id for r in rows if r.due_at is not None and r.sla_plan_id})
    versions = uow.sla.plan_calendar_versions(plan_ids)
    try:
        cache = _CALENDARS.setdefault(db, {})
    except TypeError:  # a database that cannot be weakly referenced: no cache
        cache = {}
    calendars: dict[int, BusinessCalendar] = {}
    for plan_id, key in versions.items():
        if key is None:
            continue
        calendar = cache.get(key)
        if calendar is None:  # new, or edited since: read once (a newer version is kept)
            calendar = uow.sla.calendar(key[0])
            cache[(key[0], calendar.version)] = calendar
        calendars[plan_id] = calendar
    return [
        replace(
            r, due_left=business_left(calendars.get(r.sla_plan_id or 0, ALWAYS_OPEN), now, r.due_at)
        )
        if r.due_at is not None
        else r
        for r in rows
    ]


def business_left(calendar: BusinessCalendar, now: datetime, due: datetime) -> timedelta:
    """Business time from `now` to `due`; negative (overdue by) once `due` has passed."""
    if due >= now:
        return calendar.elapsed(now, due)
    return -calendar.elapsed(due, now)
