"""SLA clocks through the services, on both backends: hand-worked due times, hand-set
dues kept, the queues, the sweep (breaches exactly once, escalation, auto-close) and the
recompute after a calendar edit.

The desk in these tests: Europe/London, Monday to Friday 09:00–17:00 (November: London
is on UTC, so local times are UTC times). 2026-11-27 is a Friday.
"""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from desk.domain.errors import ConflictError, PermissionDenied, ValidationError
from desk.domain.model import Priority, TicketStatus
from desk.domain.queues import QueueKind, QueueQuery, queue_filter
from desk.domain.sla import Clock, Escalation, EscalationKind, Targets
from desk.domain.sla_clock import ClockState
from desk.domain.thread import EventType
from desk.services import clocks, housekeeping, queries
from desk.services import sla as sla_service
from desk.services import tickets as work
from desk.services.intake import IntakeRequest, log_ticket
from desk.services.sla import PlanFields
from desk.store import schema

from ..conftest import World
from . import workers

WEEKDAYS_9_TO_5 = ["09:00-17:00"] * 5 + ["", ""]
H = timedelta(hours=1)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A time in late November 2026 (UTC = London time then)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(db) -> FixedClock:
    fixed = FixedClock(at(27, 16, 40))
    db.clock = fixed
    return fixed


def _desk_plan(db, world: World, **fields) -> tuple[int, int]:
    calendar = sla_service.create_calendar(
        db, world.admin, "London office", "Europe/London", WEEKDAYS_9_TO_5
    )
    targets = {p: Targets(1 * H, 8 * H) for p in Priority}
    targets[Priority.URGENT] = Targets(H / 2, 2 * H)
    plan = sla_service.create_plan(
        db, world.admin, PlanFields("Standard", targets, calendar_id=calendar.id, **fields)
    )
    sla_service.set_default_plan(db, world.admin, plan.id)
    assert calendar.id is not None and plan.id is not None
    return calendar.id, plan.id


def _stored(db, ticket_id: int) -> dict:
    with db.read() as uow:
        return uow.sla.stored_clocks(ticket_id)


def _new(db, world: World, subject: str = "Printer offline", **fields) -> int:
    ticket = log_ticket(
        db, world.agent, IntakeRequest(subject=subject, customer_id=world.customer, **fields)
    )
    assert ticket.id is not None
    return ticket.id


def test_a_ticket_logged_friday_1640_is_due_monday_0940(db, world: World, clock):
    _desk_plan(db, world)
    ticket = _new(db, world)
    stored = _stored(db, ticket)
    # First response, 1 h: 20 min left on Friday (16:40–17:00), closed Sat–Sun, 40 min
    # on Monday from 09:00.
    assert stored["first_response_due_at"] == at(30, 9, 40)
    # Resolution, 8 h: 20 min on Friday, 7 h 40 on Monday: 16:40.
    assert stored["resolution_due_at"] == at(30, 16, 40)
    assert stored["due_at"] == at(30, 9, 40)
    # At risk at 75 % of an hour (45 min): 20 min Friday + 25 min Monday.
    assert stored["at_risk_at"] == at(30, 9, 25)
    explained = sla_service.explain_due_times(db, ticket)
    assert explained.plan_name == "Standard"
    assert explained.first_response is not None
    assert "Mon 09:40" in explained.first_response.explanation
    # The first reply meets the first-response clock: only the resolution one runs.
    clock.now = at(30, 9, 10)
    work.reply_to_customer(db, world.agent, ticket, "On it.")
    stored = _stored(db, ticket)
    assert stored["first_response_due_at"] is None
    assert stored["due_at"] == at(30, 16, 40)


def test_pending_over_a_weekend_keeps_the_time_used(db, world: World, clock):
    _desk_plan(db, world)
    clock.now = at(27, 10)
    ticket = _new(db, world)
    clock.now = at(27, 12)  # 2 h of the 8 used
    work.set_pending(db, world.agent, ticket, "Waiting for the caller's logs")
    assert _stored(db, ticket)["resolution_due_at"] is None  # paused: due for nobody
    clock.now = at(30, 11)  # the customer calls back on Monday at 11:00
    work.add_customer_message(db, world.agent, ticket, "Here are the logs.")
    # 6 h left from Monday 11:00 on a 9–17 day: 17:00.
    assert _stored(db, ticket)["resolution_due_at"] == at(30, 17)


def test_a_priority_change_applies_the_new_target_from_the_start(db, world: World, clock):
    _desk_plan(db, world)
    clock.now = at(30, 9)
    ticket = _new(db, world)
    assert _stored(db, ticket)["resolution_due_at"] == at(30, 17)
    clock.now = at(30, 10)
    version = queries.get_ticket(db, ticket).ticket.version
    work.update_ticket(db, world.agent, ticket, work.TicketEdit(priority=Priority.URGENT), version)
    # Urgent: 2 h from 09:00, of which one is used: due 11:00.
    assert _stored(db, ticket)["resolution_due_at"] == at(30, 11)


def test_a_due_time_set_by_hand_is_never_shifted(db, world: World, clock):
    _desk_plan(db, world)
    clock.now = at(30, 9)
    ticket = _new(db, world)
    with pytest.raises(PermissionDenied):
        sla_service.set_due_time(db, world.agent, ticket, Clock.RESOLUTION, at(30, 12))
    sla_service.set_due_time(db, world.supervisor, ticket, Clock.RESOLUTION, at(30, 12))
    assert _stored(db, ticket)["resolution_due_at"] == at(30, 12)
    clock.now = at(30, 10)
    version = queries.get_ticket(db, ticket).ticket.version
    work.update_ticket(db, world.agent, ticket, work.TicketEdit(priority=Priority.URGENT), version)
    assert _stored(db, ticket)["resolution_due_at"] == at(30, 12)
    events = [e.event for e in queries.get_ticket(db, ticket).thread]
    assert EventType.DUE_SET in events
    # Given back to the plan: Urgent's 2 h from the start.
    sla_service.set_due_time(db, world.supervisor, ticket, Clock.RESOLUTION, None)
    assert _stored(db, ticket)["resolution_due_at"] == at(30, 11)


def test_overdue_at_risk_and_due_today_queues(db, world: World, clock):
    _desk_plan(db, world)
    clock.now = at(30, 9)
    early = _new(db, world, "Early")  # first response due 10:00, at risk 09:45
    clock.now = at(30, 9, 30)
    later = _new(db, world, "Later")  # due 10:30, at risk 10:15
    clock.now = at(30, 17, 30)  # after hours
    tomorrow = _new(db, world, "Tomorrow")  # due Tue 10:00

    def members(kind: QueueKind, now: datetime) -> set[int]:
        query = QueueQuery(filter=queue_filter(kind, now=now))
        page = queries.queue_page(db, query, 0, 100)
        return {row.id for row in page} & {early, later, tomorrow}

    now = at(30, 9, 50)
    assert members(QueueKind.OVERDUE, now) == set()
    assert members(QueueKind.AT_RISK, now) == {early}
    assert members(QueueKind.DUE_TODAY, now) == {early, later}
    now = at(30, 10, 20)
    assert members(QueueKind.OVERDUE, now) == {early}
    assert members(QueueKind.AT_RISK, now) == {later}
    assert members(QueueKind.DUE_TODAY, now) == {later}
    page = queries.queue_page(
        db,
        QueueQuery(filter=queue_filter(QueueKind.ALL_OPEN, now=now), sort="due", descending=False),
        0,
        100,
    )
    ordered = [row.id for row in page if row.id in (early, later, tomorrow)]
    assert ordered == [early, later, tomorrow]


def _events(db, ticket_id: int, kind: EventType) -> list:
    return [e for e in queries.get_ticket(db, ticket_id).thread if e.event == kind]


def test_a_breach_is_recorded_once_notified_and_escalated(db, world: World, clock):
    escalate = (
        Escalation(Clock.FIRST_RESPONSE, EscalationKind.RAISE_PRIORITY),
        Escalation(Clock.FIRST_RESPONSE, EscalationKind.MOVE_TO_TEAM, team_id=world.sysadmins),
    )
    _desk_plan(db, world, escalations=escalate)
    clock.now = at(30, 9)
    ticket = _new(db, world, team_id=world.service_desk)
    work.claim_ticket(db, world.agent, ticket)
    before = queries.get_ticket(db, ticket).ticket.priority
    clock.now = at(30, 10, 5)
    result = housekeeping.sweep(db, "desk-a")
    assert result.swept and result.breaches == ((ticket, Clock.FIRST_RESPONSE),)
    assert housekeeping.sweep(db, "desk-b") == housekeeping.SweepResult(False)  # lease held
    again = housekeeping.sweep(db, "desk-a")
    assert again.breaches == ()
    breaches = _events(db, ticket, EventType.SLA_BREACHED)
    assert len(breaches) == 1 and breaches[0].data["clock"] == "first_response"
    detail = queries.get_ticket(db, ticket).ticket
    assert detail.priority == Priority(min(before + 1, Priority.URGENT))
    assert detail.team_id == world.sysadmins
    assert _stored(db, ticket)["first_response_breached_at"] == at(30, 10)
    # The assignee and the team's supervisor hear of it.
    assert sla_service.unread_notifications(db, world.agent) == 1
    assert sla_service.unread_notifications(db, world.supervisor) == 1
    assert sla_service.unread_notifications(db, world.other_agent) == 0
    notes = sla_service.list_notifications(db, world.agent)
    assert notes[0].ticket_id == ticket and notes[0].kind == "sla_breached"
    assert sla_service.mark_notifications_read(db, world.agent) == 1
    assert sla_service.unread_notifications(db, world.agent) == 0


def test_resolved_tickets_close_after_the_days_set_and_a_message_reopens(db, world, clock):
    _desk_plan(db, world)
    sla_service.set_auto_close(db, world.admin, 3, business_days=True)
    clock.now = at(23, 10)  # Monday
    quiet, loud = _new(db, world, "Quiet"), _new(db, world, "Loud")
    for ticket in (quiet, loud):
        work.resolve_ticket(db, world.agent, ticket, "Replaced the toner.")
    clock.now = at(25, 12)  # Wednesday: the customer of "Loud" calls again
    work.add_customer_message(db, world.agent, loud, "It jams again.")
    assert queries.get_ticket(db, loud).ticket.status == TicketStatus.OPEN
    clock.now = at(26, 11)  # Thursday: Tue, Wed are 2 business days, not 3
    assert housekeeping.sweep(db, "desk-a").closed == ()
    clock.now = at(27, 11)  # Friday: Mon 23 was resolved before Tue, Wed, Thu
    assert housekeeping.sweep(db, "desk-a").closed == (quiet,)
    assert queries.get_ticket(db, quiet).ticket.status == TicketStatus.CLOSED
    assert queries.get_ticket(db, loud).ticket.status == TicketStatus.OPEN
    closing = [
        e
        for e in queries.get_ticket(db, quiet).thread
        if e.event == EventType.STATUS_CHANGED and e.data.get("to") == "closed"
    ]
    assert len(closing) == 1 and closing[0].author_name == "Desk"


def test_a_calendar_edit_recomputes_the_open_tickets_in_batches(db, world: World, clock):
    calendar_id, _plan = _desk_plan(db, world)
    clock.now = at(27, 16, 40)
    ids = [_new(db, world, f"Ticket {n}") for n in range(7)]
    assert {_stored(db, i)["first_response_due_at"] for i in ids} == {at(30, 9, 40)}
    saw = []
    calendar = next(c for c in sla_service.list_calendars(db) if c.id == calendar_id)
    saturday = ["09:00-17:00"] * 6 + [""]  # open on Saturdays now
    saved = sla_service.update_calendar(
        db, world.admin, calendar_id, calendar.version, calendar.name, calendar.zone, saturday
    )
    assert saved.version == calendar.version + 1
    with pytest.raises(ConflictError, match="calendar"):  # the version seen is old now
        sla_service.update_calendar(
            db, world.admin, calendar_id, calendar.version, calendar.name, calendar.zone, saturday
        )
    done = sla_service.recompute_open_tickets(db, batch=3, progress=saw.append)
    # The world's own ticket is open too: 8 in batches of 3.
    assert done.done == 8 and [(p.done, p.total) for p in saw] == [(3, 8), (6, 8), (8, 8)]
    assert {_stored(db, i)["first_response_due_at"] for i in ids} == {at(28, 9, 40)}
    assert sla_service.recompute_open_tickets(db).done == 0  # all caught up


def test_a_caught_up_recompute_walks_no_tickets(db, world: World, clock):
    # Every sweep, each minute, ends with a recompute: when no ticket is behind it must
    # cost a count on the recompute's index, not a walk of the whole tickets table by id.
    from sqlalchemy import event

    _desk_plan(db, world)
    _new(db, world)
    sla_service.recompute_open_tickets(db)
    sent: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert sla_service.recompute_open_tickets(db).done == 0
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    walks = [s for s in sent if "sla_epoch <" in s and "ORDER BY tickets.id" in s]
    assert walks == [] and any("count(" in s.lower() for s in sent)


def test_a_recomputed_due_time_is_overdue_only_once_it_has_passed(db, world: World, clock):
    # The recompute writes its due times its own way (on SQLite as text, which the
    # queues compare as text): at the due instant itself the ticket is due, not overdue.
    calendar_id, _plan = _desk_plan(db, world)
    clock.now = at(27, 16, 40)
    ticket = _new(db, world)
    calendar = next(c for c in sla_service.list_calendars(db) if c.id == calendar_id)
    saturday = ["09:00-17:00"] * 6 + [""]
    sla_service.update_calendar(
        db, world.admin, calendar_id, calendar.version, calendar.name, calendar.zone, saturday
    )
    assert sla_service.recompute_open_tickets(db).done >= 1
    due = at(28, 9, 40)  # Friday 16:40 + 20 min, then Saturday 09:00 + 40 min
    assert _stored(db, ticket)["due_at"] == due

    def members(kind: QueueKind, now: datetime) -> set[int]:
        page = queries.queue_page(db, QueueQuery(filter=queue_filter(kind, now=now)), 0, 100)
        return {row.id for row in page} & {ticket}

    assert members(QueueKind.OVERDUE, due) == set()
    assert members(QueueKind.DUE_TODAY, due) == {ticket}
    assert members(QueueKind.OVERDUE, due + timedelta(microseconds=1)) == {ticket}


def test_the_admin_preview_and_the_admin_checks(db, world: World, clock):
    calendar_id, plan_id = _desk_plan(db, world)
    plan = next(p for p in sla_service.list_plans(db) if p.id == plan_id)
    calendar = next(c for c in sla_service.list_calendars(db) if c.id == calendar_id)
    shown = sla_service.preview_plan(plan, calendar, Priority.HIGH, at(27, 16, 40))
    assert shown.first_response is not None and shown.first_response.due == at(30, 9, 40)
    assert shown.first_response.state == ClockState.RUNNING
    with pytest.raises(PermissionDenied):
        sla_service.create_calendar(db, world.agent, "Mine", "UTC", WEEKDAYS_9_TO_5)
    with pytest.raises(ValidationError) as raised:
        sla_service.create_calendar(db, world.admin, "Bad", "Mars/Olympus", ["9-5"] * 7)
    assert raised.value.for_field("zone") or raised.value.for_field("hours")
    with pytest.raises(ValidationError) as raised:
        sla_service.create_plan(db, world.admin, PlanFields("", {}, at_risk_percent=150))
    assert raised.value.for_field("name") and raised.value.for_field("at_risk_percent")
    sla_service.set_topic_plan(db, world.admin, world.email_topic, plan_id)
    sla_service.set_topic_plan(db, world.admin, world.email_topic, None)


def test_the_housekeeping_command_sweeps_once_and_exits_0(db, db_url, world, clock):
    from desk.__main__ import main

    _desk_plan(db, world)
    clock.now = at(2, 9)  # well in the past: the command's own clock is the real one
    ticket = _new(db, world)
    assert main(["housekeeping", "--db", db_url]) == 0
    assert len(_events(db, ticket, EventType.SLA_BREACHED)) == 2  # both clocks
    assert main(["housekeeping", "--db", db_url]) == 0  # released the lease; nothing new
    assert len(_events(db, ticket, EventType.SLA_BREACHED)) == 2


SPAWN = multiprocessing.get_context("spawn")


@pytest.mark.slow
@pytest.mark.parametrize("use_lease", [True, False], ids=["lease", "no-lease"])
def test_many_sweepers_record_each_breach_exactly_once(db, db_url, world, clock, use_lease):
    _desk_plan(db, world)
    clock.now = at(2, 9)  # days ago in real time: every clock is past due
    ids = [_new(db, world, f"Overdue {n}") for n in range(12)]
    processes = 4
    barrier = SPAWN.Barrier(processes)
    results = SPAWN.Queue()
    started = [
        SPAWN.Process(target=workers.sweep, args=(db_url, f"desk-{n}", use_lease, barrier, results))
        for n in range(processes)
    ]
    for process in started:
        process.start()
    outcomes = [results.get(timeout=180) for _ in started]
    for process in started:
        process.join(timeout=30)
        assert process.exitcode == 0
    assert not [o for o in outcomes if o[0] == "error"], outcomes
    recorded = [pair for _, pairs in outcomes for pair in pairs]
    assert len(recorded) == len(set(recorded)) == 2 * len(ids)
    with db.read() as uow:
        conn = uow.tickets._conn
        rows = conn.execute(
            select(schema.thread_entries.c.ticket_id, func.count())
            .where(schema.thread_entries.c.event == EventType.SLA_BREACHED)
            .group_by(schema.thread_entries.c.ticket_id)
        ).all()
    assert dict(rows) == {i: 2 for i in ids}  # one per ticket and clock
    assert clocks.EPOCH  # (the module is the services' own; imported for the reader)
