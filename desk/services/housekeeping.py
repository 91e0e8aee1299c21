"""The housekeeping sweep: breaches recorded and escalated, resolved tickets closed.

Every running Desk calls `sweep` each minute; the lease (desk.store.housekeeping) lets
one of them do the work while the others return at once, and `desk housekeeping --db URL`
runs one sweep for a scheduled task. Whoever sweeps, and however many at once, a breach
is recorded once: the ticket row's breach stamp is set by a conditional update, and only
the transaction whose update changed the row writes the event and the notifications.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from desk.domain import lifecycle, validation
from desk.domain.calendars import BusinessCalendar
from desk.domain.errors import DeskError
from desk.domain.lifecycle import Change
from desk.domain.model import Agent, Role, TicketStatus
from desk.domain.sla import Clock, EscalationKind, SlaPlan
from desk.domain.thread import EntryKind, EventType
from desk.store.tickets import NewEntry
from desk.store.unit_of_work import SqlUnitOfWork

from . import clocks
from .database import Database
from .sla import AUTO_CLOSE_BUSINESS, AUTO_CLOSE_DAYS
from .tickets import record

#: How long a sweeper holds the lease without renewing it: two missed minutes.
LEASE = timedelta(minutes=2)
#: Breaches, or tickets closed, per transaction.
SWEEP_BATCH = 500
#: Who the thread names for what the sweep does.
HOUSEKEEPING = Agent(None, "desk", "Desk", None, Role.ADMIN)
BREACH = "sla_breached"


@dataclass(frozen=True, slots=True)
class SweepResult:
    swept: bool  # False: another Desk holds the lease
    breaches: tuple[tuple[int, Clock], ...] = ()
    escalated: tuple[int, ...] = ()
    closed: tuple[int, ...] = ()
    recomputed: int = 0
    problems: tuple[str, ...] = field(default=())


@dataclass
class _Seen:
    """What one sweep reads once for all its batches: who supervises each team, the plans."""

    supervisors: dict[int | None, list[int]] = field(default_factory=dict)
    context: clocks.SlaContext | None = None
    #: Where each clock's walk of past-due tickets has got to (its last due time and
    #: ticket id). A ticket whose due time moves before it meanwhile is found by the
    #: next sweep, a minute later; its breach is stamped at its due time all the same.
    after: dict[Clock, tuple[datetime, int]] = field(default_factory=dict)

    def supervisors_of(self, uow: SqlUnitOfWork, team_id: int | None) -> list[int]:
        if team_id not in self.supervisors:
            self.supervisors[team_id] = uow.notifications.supervisors_of(team_id)
        return self.supervisors[team_id]

    def plans(self, uow: SqlUnitOfWork) -> clocks.SlaContext:
        if self.context is None:
            self.context = clocks.load_context(uow)
        return self.context


def sweep(
    db: Database, holder: str, *, release: bool = False, use_lease: bool = True
) -> SweepResult:
    """One sweep by `holder` (a client id), if it holds or can take the lease.

    `release` gives the lease up afterwards (a one-off sweep from the command line);
    `use_lease` False sweeps whoever holds it (the breach stamps still keep it exact).
    """
    holder = validation.clean_text("holder", "The sweeper", holder, limit=32, required=True)
    release = validation.clean_flag("release", "Release", release)
    use_lease = validation.clean_flag("use_lease", "Use the lease", use_lease)
    breaches: list[tuple[int, Clock]] = []
    escalated: list[int] = []
    closed: list[int] = []
    problems: list[str] = []
    seen = _Seen()
    while True:
        with db.write() as uow:
            now = uow.now()
            if use_lease and not uow.leases.take(holder, now, LEASE):
                if not breaches and not closed:
                    return SweepResult(False)
                break
            done, raised = _breaches(uow, now, problems, seen)
            breaches.extend(done)
            escalated.extend(raised)
            uow.commit()
        if len(done) < SWEEP_BATCH:
            break
    while True:
        with db.write() as uow:
            now = uow.now()
            if use_lease and not uow.leases.take(holder, now, LEASE):
                break
            done_closing = _auto_close(uow, now, problems)
            closed.extend(done_closing)
            uow.commit()
        if len(done_closing) < SWEEP_BATCH:
            break
    # Plans or calendars edited and nobody finished the recompute: the sweeper does.
    from .sla import recompute_open_tickets

    recomputed = recompute_open_tickets(db).done
    with db.write() as uow:
        if use_lease:
            uow.leases.swept(holder, uow.now(), release=release)
        uow.commit()
    return SweepResult(
        True, tuple(breaches), tuple(escalated), tuple(closed), recomputed, tuple(problems)
    )


def _breaches(
    uow: SqlUnitOfWork, now: datetime, problems: list[str], seen: _Seen
) -> tuple[list[tuple[int, Clock]], list[int]]:
    """One batch of breaches: stamped, an event each, the notices, the escalations. All
    in bulk statements: a sweep after a weekend may find thousands."""
    due = uow.sla.past_due(now, SWEEP_BATCH, seen.after)
    if not due:
        return [], []
    recorded: list[tuple[int, Clock]] = []
    tickets = {}
    for clock in Clock:
        past = [d for d in due if d.clock == clock]
        if past:
            seen.after[clock] = (past[-1].due, past[-1].ticket_id)
        for ticket in uow.sla.stamp_breaches([d.ticket_id for d in past], clock, now):
            recorded.append((ticket.id, clock))
            tickets[ticket.id] = ticket
    if not recorded:
        return [], []  # other sweepers recorded them first
    dues = {(d.ticket_id, d.clock): d.due for d in due}
    events = []
    notices: list[tuple[int, int, str, dict[str, object]]] = []
    for ticket_id, clock in recorded:
        ticket = tickets[ticket_id]
        data = {"clock": str(clock), "due": dues[(ticket_id, clock)].isoformat()}
        entry = NewEntry(
            EntryKind.EVENT, HOUSEKEEPING.name, None, event=EventType.SLA_BREACHED, data=data
        )
        events.append((ticket_id, ticket.version, entry))
        to = set(seen.supervisors_of(uow, ticket.team_id))
        if ticket.assignee_id is not None:
            to.add(ticket.assignee_id)
        notices.extend((agent, ticket_id, BREACH, data) for agent in sorted(to))
    uow.sla.append_events(events, now)
    uow.notifications.add(notices, now)
    context = seen.plans(uow)
    escalated: list[int] = []
    plans: dict[int | None, SlaPlan | None] = {}  # a batch's tickets share a few topics
    for ticket_id, clock in recorded:
        ticket = tickets[ticket_id]
        if ticket.category_id not in plans:
            plans[ticket.category_id] = context.plan_for_topic(ticket.category_id)
        plan = plans[ticket.category_id]
        if plan is None or not plan.escalations_on(clock):
            continue
        current = uow.tickets.get(ticket_id, for_update=True)  # as escalated a moment ago
        try:
            saved = _escalate(uow, current, clock, plan.escalations_on(clock), now)
        except DeskError as exc:  # a team gone since the plan named it: the breach stands
            problems.append(f"{current.number}: {exc.message}")
            continue
        if saved is not current:
            escalated.append(ticket_id)
            clocks.refresh(uow, [saved], now, context, report_rows=True)
    return recorded, escalated


def _escalate(uow: SqlUnitOfWork, ticket, clock: Clock, escalations, now: datetime):
    change = Change(ticket)
    for escalation in escalations:
        current = change.ticket
        if escalation.kind == EscalationKind.RAISE_PRIORITY:
            target = escalation.raised(current.priority)
            if target != current.priority:
                change = change.then(
                    lifecycle.override_priority(current, target, HOUSEKEEPING, now)
                )
        elif escalation.team_id is not None and escalation.team_id != current.team_id:
            change = change.then(
                lifecycle.transfer(
                    current,
                    uow.teams.get(escalation.team_id),
                    HOUSEKEEPING,
                    now,
                    from_team=uow.teams.maybe(current.team_id),
                    current=uow.agents.maybe(current.assignee_id),
                    reason="The SLA was breached.",
                )
            )
    if change.ticket == ticket:
        return ticket
    # Saved as the breach's escalation: on a guarded server the database checks that the
    # clock is breached and the plan says so (no agent's login may move a colleague's
    # ticket otherwise).
    saved = uow.tickets.save(change.ticket, bump=bool(change.events), escalating=clock)
    return record(uow, saved, Change(saved, change.events), None, author_name=HOUSEKEEPING.name)


def _auto_close(uow: SqlUnitOfWork, now: datetime, problems: list[str]) -> list[int]:
    days = clocks.stored_int(uow, AUTO_CLOSE_DAYS) or 0
    if days <= 0:
        return []
    business = uow.settings.get(AUTO_CLOSE_BUSINESS) == "1"
    calendar = None
    if business:
        context = clocks.load_context(uow)
        calendar = context.calendar_of(context.default) if context.default else None
    cutoff = close_cutoff(now, days, calendar)
    closed = []
    for ticket_id in uow.sla.resolved_before(cutoff, SWEEP_BATCH):
        ticket = uow.tickets.get(ticket_id, for_update=True)
        if ticket.status != TicketStatus.RESOLVED:
            continue
        reason = f"Closed automatically {days} {'business ' if business else ''}days after it was resolved."
        try:
            change = lifecycle.close(ticket, HOUSEKEEPING, now, reason=reason)
        except DeskError as exc:
            problems.append(f"{ticket.number}: {exc.message}")
            continue
        saved = record(uow, ticket, change, None, author_name=HOUSEKEEPING.name)
        clocks.refresh(uow, [saved], now, report_rows=True)
        closed.append(ticket_id)
    return closed


def close_cutoff(now: datetime, days: int, calendar: BusinessCalendar | None) -> datetime:
    """Tickets resolved before this instant have waited `days` and close now: calendar
    days (`calendar` None), or `days` whole business days of `calendar` after the day of
    the resolution (days it is open at all; today is not over, so not counted)."""
    if calendar is None:
        return now - timedelta(days=days)
    day, counted, back = now.astimezone(calendar.tz).date(), 0, 0
    while counted < days and back < 366 * 2:
        day -= timedelta(days=1)
        back += 1
        if calendar.spans_on(day):
            counted += 1
    return datetime(day.year, day.month, day.day, tzinfo=calendar.tz).astimezone(UTC)
