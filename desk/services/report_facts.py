"""Keeping the reports' rows (desk.domain.report_facts) with the tickets: written by
`desk.services.clocks.refresh` in the transaction of every ticket change, and for
tickets that have none yet (a database from before reports, a bulk load) by `backfill`."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from desk.domain import validation
from desk.domain.calendars import zone_info
from desk.domain.errors import DatabaseReadOnly, ValidationError
from desk.domain.report_facts import TicketFacts, first_response_figures, ticket_facts
from desk.domain.sla import SlaPlan
from desk.domain.sla_clock import SlaReading
from desk.domain.sla_history import ClockHistory
from desk.domain.ticket import Ticket
from desk.store.sla import ClockTicket
from desk.store.unit_of_work import SqlUnitOfWork

from .database import Database

#: Tickets whose rows one backfill transaction writes.
BACKFILL_BATCH = 500


def report_zone(default_zone: str | None) -> ZoneInfo:
    """The zone whose local days the reports count in: the default plan's calendar's, or
    UTC for a desk without one."""
    return zone_info(default_zone or "UTC")


def record(
    uow: SqlUnitOfWork,
    tickets: Mapping[int, Ticket],
    readings: Mapping[int, tuple[SlaPlan, ClockHistory, SlaReading]],
    zone: ZoneInfo,
) -> list[TicketFacts]:
    """Write the report rows of `tickets` from their plans, histories and readings."""
    organisations = uow.reports.organisations(t.customer_id for t in tickets.values())
    facts = [
        ticket_facts(
            tickets[ticket_id],
            organisations.get(tickets[ticket_id].customer_id, ""),
            history.statuses,
            plan,
            reading,
            zone,
        )
        for ticket_id, (plan, history, reading) in readings.items()
    ]
    uow.reports.write_facts(facts)
    return facts


def record_first_responses(
    uow: SqlUnitOfWork,
    tickets: Sequence[ClockTicket],
    readings: Mapping[int, tuple[SlaPlan, ClockHistory, SlaReading]],
) -> None:
    """Rewrite the first-response figures of the answered `tickets` (a recompute after a
    plan or calendar edit: open tickets, whose other figures no plan changes) where they
    differ from their report rows."""
    answered = [t.id for t in tickets if t.first_responded_at is not None and t.id in readings]
    stored = uow.reports.first_responses(answered)
    uow.reports.write_first_responses(changed_first_responses(tickets, readings, stored))


def changed_first_responses(
    tickets: Sequence[ClockTicket],
    readings: Mapping[int, tuple[SlaPlan, ClockHistory, SlaReading]],
    stored: Mapping[int, tuple[object, ...]],
) -> list[tuple[int, int, int, bool | None]]:
    """The first-response figures of the answered `tickets` that differ from the report
    rows' `stored` ones (tickets without a row are left to the backfill)."""
    changed = []
    for ticket in tickets:
        if ticket.first_responded_at is None or ticket.id not in readings:
            continue
        plan, history, reading = readings[ticket.id]
        figures = first_response_figures(
            ticket.first_responded_at, history.statuses, plan, reading.first_response
        )
        if ticket.id in stored and stored[ticket.id] != figures:
            changed.append((ticket.id, *figures))
    return changed


@dataclass(frozen=True, slots=True)
class BackfillProgress:
    done: int
    total: int


def backfill_if_writable(db: Database, **options: object) -> BackfillProgress | None:
    """`backfill`, unless the database cannot be written (a read-only file or login):
    the reports then count the rows there are."""
    if db.read_only:
        return None
    try:
        return backfill(db, **options)  # type: ignore[arg-type]
    except DatabaseReadOnly:
        return None


def backfill(
    db: Database,
    *,
    batch: int = BACKFILL_BATCH,
    progress: Callable[[BackfillProgress], object] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> BackfillProgress:
    """Write the report rows of every ticket that has none, `batch` tickets per
    transaction (each from the ticket's history: running it twice at once is harmless)."""
    from . import clocks  # clocks writes through this module

    batch = validation.clean_count("batch", "The batch size", batch, low=1, high=10_000)
    for name, given in (("progress", progress), ("should_stop", should_stop)):
        if given is not None and not callable(given):
            raise ValidationError.single(name, "A backfill's callback is not a function.")
    with db.read() as uow:
        total = uow.reports.count_missing()
    done, after = 0, 0
    while total and not (should_stop and should_stop()):
        with db.write() as uow:
            ids = uow.reports.missing(after, batch)
            if not ids:
                break
            clocks.refresh(uow, uow.sla.tickets(ids), uow.now(), report_rows=True)
            uow.commit()
        done += len(ids)
        after = ids[-1]
        if progress is not None:
            progress(BackfillProgress(done, max(total, done)))
    return BackfillProgress(done, max(total, done))
