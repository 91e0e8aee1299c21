"""Routing counts time in the desk's calendar, on SQLite and PostgreSQL: the routing
calendar (a desk setting, else the default SLA plan's), its time zone across a change of
clocks, its holidays, whatever the computer's own zone; the ROUTED event kept as data;
replay by days beside what happened; a ticket nobody can take, where supervisors see it."""

from __future__ import annotations

import os
import time as system_time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock

import pytest

from desk.domain.errors import PermissionDenied, ValidationError
from desk.domain.model import Availability, Priority
from desk.domain.opening_hours import Holiday
from desk.domain.queues import QueueFilter, QueueQuery, SortKey
from desk.domain.routing_rules import (
    ALWAYS,
    AddNote,
    Assign,
    BusinessHours,
    Facts,
    Rule,
    SetPriority,
    SetTeam,
    Strategy,
    TimeOfDay,
    Weekday,
    Words,
)
from desk.domain.routing_words import explain_fired, fired_from_data
from desk.domain.sla import Targets
from desk.domain.thread import EntryKind, EventType
from desk.services import directory, queries, routing_setup
from desk.services import routing_rules as rules
from desk.services import sla as sla_service
from desk.services.intake import IntakeRequest, log_ticket

from ..conftest import World

WEEK = ["09:00-17:00"] * 5 + ["", ""]


@pytest.fixture
def far_away_computer():
    """The computer's own clock in Auckland: routing must not count in it."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Pacific/Auckland"
    system_time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    system_time.tzset()


def _london(db, w: World, **holidays):
    return sla_service.create_calendar(
        db,
        w.admin,
        "London office",
        "Europe/London",
        WEEK,
        (Holiday(date(2026, 12, 25), "Christmas Day"),),
    )


def _log(db, w: World, subject: str = "Printer jams"):
    return log_ticket(db, w.agent, IntakeRequest(subject=subject, customer_id=w.customer))


def _tried(db, w: World, at: datetime) -> bool:
    trial = rules.try_rules(db, w.supervisor, sample=Facts("Anything", received_at=at))
    return bool(trial.decision.fired)


def test_time_of_day_counts_in_the_calendars_zone_across_a_change_of_clocks(
    db, world: World, far_away_computer
):
    london = _london(db, world)
    routing_setup.set_routing_calendar(db, world.admin, london.id)
    rules.add_rule(
        db,
        world.admin,
        Rule("Early birds", TimeOfDay(clock(8), clock(9)), (SetPriority(Priority.HIGH),)),
    )
    # 07:30 UTC is 08:30 in London in summer (BST) and 07:30 in winter (GMT).
    assert _tried(db, world, datetime(2026, 7, 1, 7, 30, tzinfo=UTC))
    assert not _tried(db, world, datetime(2026, 12, 1, 7, 30, tzinfo=UTC))
    assert _tried(db, world, datetime(2026, 12, 1, 8, 30, tzinfo=UTC))
    # The night the clocks go back (25 October 2026): 01:30 happens twice in London.
    rules.update_rule(
        db,
        world.admin,
        rules.list_rules(db)[0].rule.id,
        Rule("Night", TimeOfDay(clock(1), clock(2)), (SetPriority(Priority.HIGH),)),
        1,
    )
    assert _tried(db, world, datetime(2026, 10, 25, 0, 30, tzinfo=UTC))  # 01:30 BST
    assert _tried(db, world, datetime(2026, 10, 25, 1, 30, tzinfo=UTC))  # 01:30 GMT
    assert not _tried(db, world, datetime(2026, 10, 25, 2, 30, tzinfo=UTC))  # 02:30 GMT


def test_weekday_and_business_hours_follow_the_calendar_with_its_holiday(
    db, world: World, far_away_computer
):
    london = _london(db, world)
    plan = sla_service.create_plan(
        db,
        world.admin,
        sla_service.PlanFields(
            "Standard", {Priority.NORMAL: Targets(timedelta(hours=8))}, london.id
        ),
    )
    sla_service.set_default_plan(db, world.admin, plan.id)  # no routing calendar chosen
    assert routing_setup.routing_setup(db).calendar.name == "London office"
    rules.add_rule(
        db,
        world.admin,
        Rule(
            "Out of hours",
            BusinessHours(inside=False),
            (SetPriority(Priority.HIGH), AddNote("Logged out of hours.")),
        ),
    )
    # Thursday 24 December, 10:00 London: open. Friday 25: Christmas, closed all day.
    db.clock = lambda: datetime(2026, 12, 24, 10, 0, tzinfo=UTC)
    assert _log(db, world).priority == Priority.NORMAL
    db.clock = lambda: datetime(2026, 12, 25, 10, 0, tzinfo=UTC)
    ticket = _log(db, world)
    assert ticket.priority == Priority.HIGH
    thread = queries.get_ticket(db, ticket.id).thread
    assert any(e.kind == EntryKind.NOTE and e.body == "Logged out of hours." for e in thread)
    # 23:30 UTC on Sunday 28 June is 00:30 on Monday in London (BST), not Sunday.
    rules.add_rule(
        db, world.admin, Rule("Mondays", Weekday(frozenset({0})), (SetPriority(Priority.LOW),))
    )
    trial = rules.try_rules(
        db,
        world.supervisor,
        sample=Facts("x", received_at=datetime(2026, 6, 28, 23, 30, tzinfo=UTC)),
        rules=[Rule("Mondays", Weekday(frozenset({0})), (SetPriority(Priority.LOW),))],
    )
    assert trial.decision.priority == Priority.LOW


def test_the_routing_calendar_is_a_desk_setting_for_admins(db, world: World):
    assert routing_setup.routing_setup(db).calendar is None
    assert routing_setup.routing_setup(db).zone == "UTC"
    london = _london(db, world)
    other = sla_service.create_calendar(db, world.admin, "Tokyo", "Asia/Tokyo", WEEK)
    routing_setup.set_routing_calendar(db, world.admin, other.id)
    setup = routing_setup.routing_setup(db)
    assert (setup.calendar.name, setup.zone, setup.chosen_calendar_id) == (
        "Tokyo",
        "Asia/Tokyo",
        other.id,
    )
    assert {c.name for c in setup.calendars} == {"London office", "Tokyo"}
    routing_setup.set_routing_calendar(db, world.admin, None)
    assert routing_setup.routing_setup(db).calendar is None
    with pytest.raises(PermissionDenied):
        routing_setup.set_routing_calendar(db, world.supervisor, london.id)
    with pytest.raises(ValidationError):
        routing_setup.set_routing_calendar(db, world.admin, "London")
    rules.set_team_assignment(db, world.admin, world.sysadmins, Strategy.LEAST_LOADED)
    teams = {t.name: t.strategy for t in routing_setup.routing_setup(db).teams}
    assert teams == {"Service Desk": None, "System Administrators": Strategy.LEAST_LOADED}


def test_the_routed_event_keeps_what_fired_as_data(db, world: World):
    team = directory.create_team(db, world.admin, "Network")
    tom = directory.create_agent(db, world.admin, "tom", "Tom Becker", team_ids=[team.id])
    rules.add_rule(
        db,
        world.admin,
        Rule("VPN to Network", Words(("vpn",)), (SetTeam(team.id), Assign(Strategy.LEAST_LOADED))),
    )
    ticket = _log(db, world, "VPN drops")
    assert ticket.assignee_id == tom.id
    routed = next(
        e for e in queries.get_ticket(db, ticket.id).thread if e.event == EventType.ROUTED
    )
    fired = fired_from_data(routed.data["fired"])
    assert fired is not None and fired[0].rule_name == "VPN to Network"
    assert [s.kind for s in fired[0].steps] == ["team", "assigned_least_loaded"]
    assert explain_fired(fired) == routed.data["explanation"]
    assert fired_from_data("not data") is None and fired_from_data([{"x": 1}]) is None


def test_a_ticket_nobody_can_take_waits_where_supervisors_see_it(db, world: World):
    team = directory.create_team(db, world.admin, "Network")
    tom = directory.create_agent(db, world.admin, "tom", "Tom Becker", team_ids=[team.id])
    directory.set_availability(db, tom.id, Availability.OFF_SHIFT)
    rules.add_rule(
        db, world.admin, Rule("All", ALWAYS, (SetTeam(team.id), Assign(Strategy.ROUND_ROBIN)))
    )
    ticket = _log(db, world)
    for queue in (
        QueueFilter(unassigned=True),  # the Unassigned queue every supervisor has
        QueueFilter(team_id=team.id),  # the team's queue
    ):
        rows = queries.queue_page(db, QueueQuery(queue, SortKey.NUMBER), 0, 50)
        assert ticket.id in [r.id for r in rows]
    waiting = next(
        e for e in queries.get_ticket(db, ticket.id).thread if e.event == EventType.ROUTING_WAITING
    )
    assert waiting.data["why"] == "waiting_nobody"
    assert waiting.data["why_data"] == {"team": "Network"}


def test_replay_of_the_last_days_beside_what_happened(db, world: World):
    team = directory.create_team(db, world.admin, "Network")
    directory.create_agent(db, world.admin, "tom", "Tom Becker", team_ids=[team.id])
    now = datetime.now(UTC)
    db.clock = lambda: now - timedelta(days=10)
    _log(db, world, "VPN old")
    db.clock = lambda: now - timedelta(hours=2)
    for n in range(3):
        _log(db, world, f"VPN new {n}")
    db.clock = lambda: now
    proposed = [Rule("VPN", Words(("vpn",)), (SetTeam(team.id), Assign(Strategy.ROUND_ROBIN)))]
    replay = rules.replay_rules(db, world.supervisor, 1_000, days=7, rules=proposed)
    assert replay.by_rule == {"VPN": 3}  # not the one of ten days ago
    assert replay.by_team["Network"] == 3 and replay.by_agent == {"Tom Becker": 3}
    assert "Network" not in replay.actual_by_team  # what happened: no rule sent them there
    assert replay.actual_unassigned == replay.tickets
    month = rules.replay_rules(db, world.supervisor, 1_000, days=30, rules=proposed)
    assert month.tickets == replay.tickets + 1 and month.by_rule == {"VPN": 4}
    with pytest.raises(ValidationError):
        rules.replay_rules(db, world.supervisor, days=0)
