"""Reports through the services, on both backends, against answers worked out by hand.

The desk: Europe/London, Monday to Friday 09:00–17:00 (London is on UTC in November);
2026-11-27 is a Friday, 11-30 the Monday after. Targets: first response 1 h, resolution
8 h. Three tickets:

- A: logged Fri 10:00, answered 12:00 (2 h: breached), pending 13:00 until the caller
  writes Mon 11:00, resolved Mon 12:00: 3 h + 1 h = 4 h in business hours and in
  calendar time alike (the weekend was pending), within 8 h.
- B: logged Fri 16:00 by email, answered Mon 09:30: 1 h 30 in business hours (breached),
  65 h 30 in calendar time; still open.
- C: logged Mon 09:00, answered 09:20 (within), resolved 10:00, reopened 11:00, resolved
  again 15:00 (5 h), closed 15:30 with a satisfaction of 4.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from desk.domain.errors import PermissionDenied, ValidationError
from desk.domain.model import Channel, Priority
from desk.domain.reports import Breakdown, Grain, Group, ReportCancelled
from desk.domain.sla import Targets
from desk.services import report_facts, reports
from desk.services import sla as sla_service
from desk.services import tickets as work
from desk.services.intake import IntakeRequest, log_ticket
from desk.services.sla import PlanFields

from ..conftest import World
from .test_sla import FixedClock, at

H = 3600
WEEK = (date(2026, 11, 23), date(2026, 11, 30))


def _plan(db, world: World) -> None:
    calendar = sla_service.create_calendar(
        db, world.admin, "London office", "Europe/London", ["09:00-17:00"] * 5 + ["", ""]
    )
    targets = {p: Targets(timedelta(hours=1), timedelta(hours=8)) for p in Priority}
    plan = sla_service.create_plan(
        db, world.admin, PlanFields("Standard", targets, calendar_id=calendar.id)
    )
    sla_service.set_default_plan(db, world.admin, plan.id)


@pytest.fixture
def desk(db, world: World):
    """The three tickets, each worked by Sam; returns their ids."""
    _plan(db, world)
    clock = FixedClock(at(27, 10))
    db.clock = clock

    def new(channel: Channel = Channel.PHONE) -> int:
        ticket = log_ticket(
            db,
            world.agent,
            IntakeRequest(
                subject="Printer offline",
                customer_id=world.customer,
                channel=channel,
                team_id=world.service_desk,
            ),
        )
        assert ticket.id is not None
        work.claim_ticket(db, world.agent, ticket.id)
        return ticket.id

    def then(when: datetime, action, *args) -> None:
        clock.now = when
        action(db, world.agent, *args)

    a = new()
    then(at(27, 12), work.reply_to_customer, a, "On it.")
    then(at(27, 13), work.set_pending, a, "Waiting for the logs")
    clock.now = at(27, 16)
    b = new(Channel.EMAIL)
    then(at(30, 9), lambda *_: None)
    c = new()
    then(at(30, 9, 20), work.reply_to_customer, c, "Try this.")
    then(at(30, 9, 30), work.reply_to_customer, b, "Looking.")
    then(at(30, 10), work.resolve_ticket, c, "Fixed.")
    then(at(30, 11), work.add_customer_message, a, "Here are the logs.")
    then(at(30, 11), work.reopen_ticket, c, "It came back.")
    then(at(30, 12), work.resolve_ticket, a, "Done.")
    then(at(30, 15), work.resolve_ticket, c, "Fixed again.")
    clock.now = at(30, 15, 30)
    work.close_ticket(db, world.agent, c, csat=4)
    return a, b, c


def _req(**filters):
    return reports.request(*WEEK, **filters)


def test_volume_by_day_and_by_channel(db, world: World, desk):
    report = reports.volume_report(db, world.supervisor, _req())
    by_day = {r.start: (r.created, r.resolved, r.reopened) for r in report.rows}
    assert len(report.rows) == 8
    assert by_day[date(2026, 11, 27)] == (2, 0, 0)
    assert by_day[date(2026, 11, 30)] == (1, 3, 1)  # C resolved twice
    assert by_day[date(2026, 11, 28)] == (0, 0, 0)
    assert report.totals == (3, 3, 1)
    email = reports.volume_report(db, world.supervisor, _req(channel=Channel.EMAIL))
    assert email.totals == (1, 0, 0)
    weekly = reports.volume_report(
        db, world.supervisor, _req(grain=Grain.WEEK, breakdown=Breakdown.CHANNEL)
    )
    week_of_23 = {r.key: r.created for r in weekly.rows if r.start == date(2026, 11, 23)}
    assert week_of_23 == {Channel.EMAIL: 1, Channel.PHONE: 1}
    assert {r.key: r.created for r in weekly.rows if r.start == date(2026, 11, 30)} == {
        Channel.EMAIL: 0,
        Channel.PHONE: 1,
    }


def test_times_in_business_hours_and_calendar_time_pending_left_out(db, world: World, desk):
    report = reports.times_report(db, world.supervisor, _req())
    first = report.row("first_response_business")
    # [20 min, 1 h 30, 2 h]: the median is the 2nd, the 90th percentile the 3rd.
    assert (first.count, first.median, first.p90) == (3, 1.5 * H, 2 * H)
    calendar = report.row("first_response_calendar")
    assert (calendar.median, calendar.p90) == (2 * H, 65.5 * H)
    # A's weekend was pending: 4 h either way; C counts both of its open spans, 5 h.
    resolution = report.row("resolution_business")
    assert (resolution.count, resolution.median, resolution.p90) == (2, 4 * H, 5 * H)
    assert report.row("resolution_calendar").p90 == 5 * H
    phone = reports.times_report(db, world.supervisor, _req(channel=Channel.PHONE))
    assert phone.row("first_response_business").median == 1200  # [20 min, 2 h]


def test_compliance_reopen_rate_satisfaction_backlog_agents(db, world: World, desk):
    compliance = reports.compliance_report(db, world.supervisor, _req())
    total = compliance.total
    assert (total.first_response_within, total.first_response_breached) == (1, 2)
    assert (total.resolution_within, total.resolution_breached) == (2, 0)
    assert [t.label for t in compliance.teams] == ["Service Desk"]

    resolved = reports.resolved_report(db, world.supervisor, _req(), Group.AGENT)
    assert (resolved.total.resolved, resolved.total.reopened) == (2, 1)
    assert resolved.total.reopen_rate == 0.5
    assert (resolved.total.rated, resolved.total.average) == (1, 4.0)
    assert resolved.total.distribution == (0, 0, 0, 1, 0)
    assert resolved.total.response_rate == 0.5
    assert [r.label for r in resolved.rows] == ["Sam Agent"]

    backlog = reports.backlog_report(db, world.supervisor, _req(), Group.AGENT)
    assert backlog.labels == ("Sam Agent",)
    assert [backlog.total(i) for i in range(8)] == [0, 0, 0, 0, 2, 2, 2, 1]

    agents = reports.agent_report(db, world.supervisor, _req())
    (sam,) = agents.rows
    assert (sam.name, sam.handled, sam.rated, sam.satisfaction) == ("Sam Agent", 2, 1, 4.0)
    assert sam.median_first_response == 1.5 * H
    assert sam.median_resolution == 4 * H
    assert sam.reopen_rate == 0.5


def test_a_click_on_a_bar_lists_its_tickets(db, world: World, desk):
    a, b, c = desk
    monday = date(2026, 11, 30)
    found = reports.tickets_behind(db, world.supervisor, _req(), "resolved", monday, monday)
    assert [t.id for t in found] == [c, a]
    breached = reports.tickets_behind(
        db, world.supervisor, _req(), "first_response_breached", *WEEK
    )
    assert {t.id for t in breached} == {a, b}
    email = reports.tickets_behind(
        db, world.supervisor, _req(), "created", *WEEK, "channel", Channel.EMAIL
    )
    assert [t.number for t in email] == [f"HD-{b:06d}"]
    open_friday = reports.tickets_behind(
        db, world.supervisor, _req(), "backlog", monday, date(2026, 11, 27)
    )
    assert {t.id for t in open_friday} == {a, b}


def test_agents_may_not_read_reports_and_bad_requests_are_refused(db, world: World, desk):
    with pytest.raises(PermissionDenied, match="read the reports"):
        reports.volume_report(db, world.agent, _req())
    with pytest.raises(ValidationError, match="comes before"):
        reports.request(date(2026, 11, 30), date(2026, 11, 1))
    with pytest.raises(ValidationError, match="not a date"):
        reports.request("yesterday", date(2026, 11, 1))


def test_a_cancelled_report_raises_and_a_backfill_fills_missing_rows(db, world: World, desk):
    run = reports.ReportRun()
    run.cancel()
    with pytest.raises(ReportCancelled):
        reports.volume_report(db, world.supervisor, _req(), run)
    with db.write() as uow:
        uow.reports._conn.exec_driver_sql("DELETE FROM report_spans")
        uow.reports._conn.exec_driver_sql("DELETE FROM report_facts")
        uow.commit()
    assert reports.volume_report(db, world.supervisor, _req()).totals == (0, 0, 0)
    seen = []
    done = report_facts.backfill(db, batch=2, progress=seen.append)
    assert done.done == 4 and seen[-1].done == 4  # the world's ticket as well
    assert reports.volume_report(db, world.supervisor, _req()).totals == (3, 3, 1)
