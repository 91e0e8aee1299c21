"""What the service-clock screens read (issue 13), on both backends: the queue's time left
in business hours, the admin's service levels in one read, public holidays to pre-fill."""

from __future__ import annotations

from datetime import date

import pytest

from desk.domain.errors import PermissionDenied, ValidationError
from desk.domain.queues import QueueFilter, QueueQuery, SortKey
from desk.services import queries
from desk.services import sla as sla_service

from ..conftest import World
from .test_sla import FixedClock, H, _desk_plan, _new, at


@pytest.fixture
def clock(db) -> FixedClock:
    fixed = FixedClock(at(27, 16, 40))  # a Friday, 16:40 in London
    db.clock = fixed
    return fixed


def _row(db, ticket_id: int):
    return queries.rows_by_id(db, [ticket_id])[0]


def test_queue_rows_carry_the_business_time_left(db, world: World, clock):
    _desk_plan(db, world)
    ticket = _new(db, world)  # Friday 16:40: first response due Monday 09:40
    row = _row(db, ticket)
    assert row.due_at == at(30, 9, 40) and row.at_risk_at == at(30, 9, 25)
    assert row.sla_plan_id is not None
    # 20 min left on Friday and 40 on Monday: an hour of business time, not 65 h.
    assert row.due_left == H
    clock.now = at(28, 12, 0)  # Saturday: the desk is closed, nothing is used
    assert _row(db, ticket).due_left == 40 * H / 60
    clock.now = at(30, 10, 0)  # Monday 10:00: 20 min past due, in business time
    late = _row(db, ticket)
    assert late.due_left == -(20 * H / 60)
    # The queue's pages say the same as the rows read by id.
    page = queries.queue_page(db, QueueQuery(QueueFilter(), SortKey.NUMBER), 0, 50)
    assert next(r for r in page if r.id == ticket).due_left == late.due_left


def test_a_ticket_without_a_plan_has_no_time_left(db, world: World, clock):
    ticket = _new(db, world)
    row = _row(db, ticket)
    assert row.due_at is None and row.due_left is None and row.sla_plan_id is None


def test_the_service_levels_in_one_read_for_admins(db, world: World, clock):
    calendar_id, plan_id = _desk_plan(db, world)
    sla_service.set_topic_plan(db, world.admin, world.email_topic, plan_id)
    sla_service.set_auto_close(db, world.admin, 5, business_days=True)
    levels = sla_service.service_levels(db, world.admin)
    assert [c.id for c in levels.calendars] == [calendar_id]
    assert [p.id for p in levels.plans] == [plan_id]
    assert levels.default_plan_id == plan_id
    assert levels.topic_plans == {world.email_topic: plan_id}
    assert (levels.auto_close_days, levels.auto_close_business_days) == (5, True)
    with pytest.raises(PermissionDenied):
        sla_service.service_levels(db, world.agent)


def test_public_holidays_to_pre_fill_a_calendar():
    found = sla_service.public_holidays_for("GB", "SCT", [2026])
    days = {h.day for h in found}
    assert date(2026, 12, 25) in days and date(2026, 1, 2) in days  # 2 January: Scotland's
    assert all(h.whole_day and not h.every_year for h in found)
    with pytest.raises(ValidationError) as refused:
        sla_service.public_holidays_for("XX", None, [2026])
    assert refused.value.problems[0].field == "country"
    with pytest.raises(ValidationError) as refused:
        sla_service.public_holidays_for("GB", "ZZZ", [2026])
    assert refused.value.problems[0].field == "subdivision"
    with pytest.raises(ValidationError) as refused:
        sla_service.public_holidays_for("GB", None, list(range(2020, 2032)))
    assert refused.value.problems[0].field == "years"


def test_a_calendar_edit_counts_from_when_it_was_saved(db, world: World, clock):
    calendar_id, _plan = _desk_plan(db, world)
    ticket = _new(db, world)  # Friday 16:40, first response within 1 h
    assert _row(db, ticket).due_at == at(30, 9, 40)
    # Saturday noon the desk starts opening on Saturdays. The business time before the
    # edit stays counted as it was: 20 min on Friday, none on Saturday morning (closed
    # then). From noon the new hours count: the 40 min left run out at 12:40, not at
    # 09:40 that morning, which would make the ticket overdue before the desk even said.
    clock.now = at(28, 12, 0)
    calendar = next(c for c in sla_service.list_calendars(db) if c.id == calendar_id)
    saturdays = ["09:00-17:00"] * 6 + [""]
    sla_service.update_calendar(
        db, world.admin, calendar_id, calendar.version, calendar.name, calendar.zone, saturdays
    )
    sla_service.recompute_open_tickets(db)
    assert _row(db, ticket).due_at == at(28, 12, 40)
    explained = sla_service.explain_due_times(db, ticket).first_response
    assert explained is not None and "calendar London office from" in explained.explanation
    levels = sla_service.service_levels(db, world.admin)
    versions = levels.calendar_versions[calendar_id]
    assert [v.version for v in versions] == [2, 1]  # newest first
    assert versions[0].saved_at == at(28, 12, 0) and versions[0].saved_by
