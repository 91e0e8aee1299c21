"""A demo desk with service levels: a London calendar, a default plan, due times on the
open tickets (some set by hand so the queue shows every state), breaches swept."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from desk.domain.model import Priority, TicketStatus
from desk.domain.opening_hours import Holiday, Span
from desk.domain.queues import QueueFilter, QueueQuery, SortKey
from desk.domain.sla import Clock, Targets
from desk.services import housekeeping, queries, sla, tickets
from desk.services.intake import IntakeRequest, log_ticket
from desk.services.sla import PlanFields

H = timedelta(hours=1)
WEEK = ["09:00-12:30, 13:30-17:30"] * 5 + ["", ""]


def admin_id(db) -> int:
    return next(a.id for a in queries.directory(db).agents if a.login == "admin")


def give_service_levels(db, *, sweep: bool = True) -> dict[str, int]:
    """The desk's plan and calendar; open tickets on track, at risk, overdue and paused."""
    admin = admin_id(db)
    calendar = sla.create_calendar(
        db,
        admin,
        "London office",
        "Europe/London",
        WEEK,
        [
            Holiday(date(2026, 12, 25), "Christmas Day", every_year=True),
            Holiday(date(2026, 12, 24), "Christmas Eve (afternoon)", (Span(13 * 60, 24 * 60),)),
        ],
    )
    targets = {
        Priority.URGENT: Targets(H / 2, 4 * H),
        Priority.HIGH: Targets(H, 8 * H),
        Priority.NORMAL: Targets(4 * H, 24 * H),
        Priority.LOW: Targets(8 * H, 40 * H),
    }
    plan = sla.create_plan(
        db, admin, PlanFields("Standard", targets, calendar_id=calendar.id, at_risk_percent=75)
    )
    sla.set_default_plan(db, admin, plan.id)
    # Around the clock for one help topic: its tickets, logged a moment ago, are on track
    # and at risk whatever the hour the tests run at.
    directory = queries.directory(db)
    topic = directory.categories[0]
    assert topic.id is not None
    always = sla.create_plan(
        db, admin, PlanFields("Around the clock", targets, calendar_id=None, at_risk_percent=75)
    )
    sla.set_topic_plan(db, admin, topic.id, always.id)
    sla.recompute_open_tickets(db)
    customer = queries.queue_page(db, QueueQuery(QueueFilter(), SortKey.NUMBER), 0, 1)[0]
    customer_id = queries.get_ticket(db, customer.id).ticket.customer_id
    real_clock, now = db.clock, datetime.now(UTC)
    for minutes_ago, subject in ((200, "VPN drops every hour"), (40, "New starter needs a laptop")):
        db.clock = lambda m=minutes_ago: now - timedelta(minutes=m)  # logged that long ago
        try:
            log_ticket(
                db,
                admin,
                IntakeRequest(
                    subject=subject,
                    customer_id=customer_id,
                    category_id=topic.id,
                    priority=Priority.NORMAL,
                ),
            )
        finally:
            db.clock = real_clock
    # One waits on the customer: its clocks are paused.
    open_rows = queries.queue_page(
        db,
        QueueQuery(QueueFilter(statuses=frozenset({TicketStatus.OPEN})), SortKey.NUMBER),
        0,
        8,
    )
    tickets.set_pending(db, admin, open_rows[0].id, "Asked for the error message")
    # One with a due time set by hand, two days from now.
    sla.set_due_time(db, admin, open_rows[1].id, Clock.RESOLUTION, now + 50 * H)
    if sweep:
        housekeeping.sweep(db, "tests", release=True)
    assert calendar.id is not None and plan.id is not None
    return {"calendar": calendar.id, "plan": plan.id, "admin": admin}
