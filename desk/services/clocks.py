"""Recomputing a ticket's SLA clocks from its history, inside the transaction that
changed it, and storing the due times the queues and the sweep read.

Every ticket change (intake, status, priority, customer message, reply, transfer) calls
`refresh` before committing; a plan or calendar edit raises the desk's SLA epoch, and
`desk.services.sla.recompute_open_tickets` brings the open tickets up to it in batches.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from desk.domain.calendars import BusinessCalendar
from desk.domain.sla import SlaPlan, choose_plan
from desk.domain.sla_clock import SlaReading, read_clocks
from desk.domain.sla_history import CalendarVersion, ClockHistory, PlanVersion, history_from_thread
from desk.domain.ticket import Ticket
from desk.store.sla import StoredClocks
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

    @property
    def zone(self) -> ZoneInfo:
        """The zone the reports count local days in."""
        default = self.calendar_of(self.default) if self.default is not None else None
        return report_facts.report_zone(default.zone if default is not None else None)

    def plan_for(self, ticket: Ticket) -> SlaPlan | None:
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


def load_context(uow: SqlUnitOfWork) -> SlaContext:
    plans = {p.id: p for p in uow.sla.plans() if p.id is not None}
    calendars = {c.id: c for c in uow.sla.calendars() if c.id is not None}
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
    )


def stored_int(uow: SqlUnitOfWork, key: str) -> int | None:
    value = uow.settings.get(key)
    try:
        return int(value) if value else None
    except ValueError:
        return None


def history_of(
    uow: SqlUnitOfWork, context: SlaContext, tickets: Sequence[Ticket], *, every: bool = False
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
        in_force = plan or NO_PLAN
        history = history_from_thread(
            ticket,
            entries.get(ticket.id, []),
            plans=(PlanVersion(ticket.created_at, in_force),),
            calendars=(CalendarVersion(ticket.created_at, context.calendar_of(in_force)),),
            manual_dues=dues,
        )
        found[ticket.id] = (plan, history)
    return found


def stored(ticket_id: int, plan: SlaPlan | None, reading: SlaReading | None, epoch: int):
    if reading is None:
        return StoredClocks(ticket_id, None, None, None, None, None, epoch)
    first = reading.first_response.queue_due
    resolution = reading.resolution.queue_due
    risks = [r for r in (reading.first_response.queue_at_risk, reading.resolution.queue_at_risk)]
    dues = [d for d in (first, resolution) if d is not None]
    return StoredClocks(
        ticket_id,
        plan.id if plan is not None else None,
        first,
        resolution,
        min(dues) if dues else None,
        min((r for r in risks if r is not None), default=None),
        epoch,
    )


def refresh(
    uow: SqlUnitOfWork,
    tickets: Sequence[Ticket],
    now: datetime,
    context: SlaContext | None = None,
) -> list[StoredClocks]:
    """Recompute and store the clocks of `tickets` (as saved in this transaction)."""
    context = context or load_context(uow)
    histories = history_of(uow, context, tickets, every=True)
    written = []
    readings = {}
    for ticket_id, (plan, history) in histories.items():
        assert history is not None
        reading = read_clocks(history, now, explain=False)
        kept = reading if plan is not None or history.manual_dues else None
        written.append(stored(ticket_id, plan, kept, context.epoch))
        readings[ticket_id] = (plan or NO_PLAN, history, reading)
    uow.sla.write_clocks(written)
    report_facts.record(uow, {t.id: t for t in tickets if t.id is not None}, readings, context.zone)
    return written


def refresh_one(uow: SqlUnitOfWork, ticket: Ticket) -> None:
    """`refresh` for the ticket a service just saved."""
    refresh(uow, [ticket], uow.now())
