"""The dashboard's numbers against the queues they open, and reassigning from it, on both
databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from desk.domain.dashboard import Measure, measure_filter
from desk.domain.errors import ConflictError, PermissionDenied, ValidationError
from desk.domain.model import ACTIVE_STATUSES, TicketStatus
from desk.domain.queues import QueueFilter, QueueQuery
from desk.services import dashboard, queries
from desk.services import tickets as work
from desk.services.demo import DEMO_LOGIN, seed_demo
from desk.store.schema import tickets

from ..conftest import World

NOW = datetime(2026, 11, 2, 15, 30, tzinfo=UTC)


@pytest.fixture
def demo(db):
    seed_demo(db, 250, now=NOW - timedelta(minutes=5))
    directory = queries.directory(db)
    lead = next(a for a in directory.agents if a.login == DEMO_LOGIN)
    spread_the_work(db, lead.id)
    return lead.id


def spread_the_work(db, lead: int) -> None:
    """Some open tickets back in their queues, and due times of every kind: overdue, at
    risk, due later today, due tomorrow (the demo's own depend on the time of day)."""
    open_rows = queries.queue_page(db, QueueQuery(QueueFilter(statuses=ACTIVE_STATUSES)), 0, 500)
    for row in open_rows[:6]:
        if row.assignee_name is not None:
            work.release_ticket(db, lead, row.id)
    offsets = [
        -timedelta(hours=30),
        -timedelta(minutes=20),
        timedelta(minutes=40),
        timedelta(hours=3),
        timedelta(days=2),
    ]
    with db.engine.begin() as conn:
        for i, row in enumerate(open_rows):
            due = NOW + offsets[i % len(offsets)]
            conn.execute(
                update(tickets)
                .where(tickets.c.id == row.id)
                .values(due_at=due, at_risk_at=due - timedelta(hours=1))
            )


def test_every_count_is_the_count_of_the_queue_it_opens(db, demo):
    local = NOW.astimezone()
    counts = dashboard.dashboard_counts(db, demo, local)
    team_measures = [
        Measure.OPEN,
        Measure.UNASSIGNED,
        Measure.PENDING,
        Measure.AT_RISK,
        Measure.OVERDUE,
    ]
    agent_measures = [Measure.OPEN, Measure.PENDING, Measure.OVERDUE, Measure.DUE_TODAY]
    wanted = {}
    for team in counts.teams:
        if team.team_id is None:
            continue
        for m in team_measures:
            wanted[("team", team.team_id, m)] = QueueQuery(
                measure_filter(m, local, team_id=team.team_id)
            )
    for agent in counts.agents:
        for m in agent_measures:
            wanted[("agent", agent.agent_id, m)] = QueueQuery(
                measure_filter(m, local, assignee_id=agent.agent_id)
            )
    truth = queries.queue_counts(db, wanted)
    shown = {}
    for team in counts.teams:
        for m in team_measures:
            if team.team_id is not None:
                shown[("team", team.team_id, m)] = team.count(m)
    for agent in counts.agents:
        for m in agent_measures:
            shown[("agent", agent.agent_id, m)] = agent.count(m)
    assert shown == truth
    # The demo desk is busy enough for the comparison to mean something.
    assert sum(t.open for t in counts.teams) > 10
    assert sum(t.unassigned for t in counts.teams) > 0
    assert sum(a.open for a in counts.agents) > 0
    assert sum(t.overdue + t.at_risk for t in counts.teams) > 0


def test_oldest_unassigned_and_last_activity(db, demo):
    counts = dashboard.dashboard_counts(db, demo, NOW)
    for team in counts.teams:
        if team.team_id is None or not team.unassigned:
            continue
        rows = queries.queue_page(
            db,
            QueueQuery(
                QueueFilter(statuses=ACTIVE_STATUSES, unassigned=True, team_id=team.team_id)
            ),
            0,
            500,
        )
        assert team.oldest_unassigned == min(r.created_at for r in rows)
    busy = [a for a in counts.agents if a.last_activity is not None]
    assert busy, "the demo's agents have worked tickets"


def test_lanes_are_ordered_and_counted(db, demo):
    lanes = dashboard.dashboard_lanes(db, demo, NOW, limit=10)
    unassigned_total = queries.queue_count(
        db, QueueQuery(QueueFilter(statuses=ACTIVE_STATUSES, unassigned=True))
    )
    assert lanes.unassigned_total == unassigned_total
    created = [r.created_at for r in lanes.unassigned]
    assert created == sorted(created)
    overdue = [r for r in lanes.breaches if r.due_at is not None and r.due_at < NOW]
    assert [r.due_at for r in overdue] == sorted((r.due_at for r in overdue), reverse=True)
    assert lanes.breaches[: len(overdue)] == tuple(overdue)  # overdue before at risk


def test_charts_add_up(db, demo):
    charts = dashboard.dashboard_charts(db, demo, NOW)
    assert len(charts.today.arrived) == len(charts.today.starts)
    assert sum(charts.today.arrived) <= sum(charts.month.arrived)
    assert len(charts.backlog) == len(charts.month.starts)
    open_now = queries.queue_count(db, QueueQuery(QueueFilter(statuses=ACTIVE_STATUSES)))
    assert charts.backlog[-1] == open_now


def test_charts_count_the_hours_of_the_supervisors_day(db, world: World):
    # Three tickets made at known moments (the world's first one is made now).
    with db.engine.begin() as conn:
        conn.execute(update(tickets).values(created_at=datetime(2026, 11, 2, 9, 10, tzinfo=UTC)))
    charts = dashboard.dashboard_charts(
        db, world.supervisor, datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
    )
    assert len(charts.today.starts) == 13  # 00:00 to 12:00
    assert charts.today.arrived[9] == 1 and sum(charts.today.arrived) == 1
    assert charts.month.arrived[1] == 1  # 2 November


def test_agents_may_not_see_the_dashboard(db, world: World):
    with pytest.raises(PermissionDenied):
        dashboard.dashboard_counts(db, world.agent)
    with pytest.raises(PermissionDenied):
        dashboard.reassign_tickets(db, world.agent, [(1, None)], agent_id=world.other_agent)


def _ticket(db, ticket_id: int):
    return queries.get_ticket(db, ticket_id).ticket


def test_reassign_to_an_agent_and_undo(db, world: World):
    first = _ticket(db, 1)
    assert first.assignee_id is None
    result = dashboard.reassign_tickets(
        db, world.supervisor, [(1, first.version)], agent_id=world.agent
    )
    assert [m.ticket_id for m in result.moved] == [1] and not result.failed
    assert _ticket(db, 1).assignee_id == world.agent
    back = dashboard.undo_reassignment(db, world.supervisor, result.moved)
    assert not back.failed
    assert _ticket(db, 1).assignee_id is None


def test_transfer_to_a_team_and_undo(db, world: World):
    work.transfer_ticket(db, world.supervisor, 1, world.service_desk)
    work.assign_ticket(db, world.supervisor, 1, world.agent)
    before = _ticket(db, 1)
    result = dashboard.reassign_tickets(
        db, world.supervisor, [(1, before.version)], team_id=world.sysadmins
    )
    after = _ticket(db, 1)
    assert after.team_id == world.sysadmins and not result.failed
    dashboard.undo_reassignment(db, world.supervisor, result.moved)
    again = _ticket(db, 1)
    assert (again.team_id, again.assignee_id) == (before.team_id, world.agent)


def test_a_ticket_changed_meanwhile_is_not_moved(db, world: World):
    seen = _ticket(db, 1)
    work.claim_ticket(db, world.other_agent, 1)  # someone else took it first
    result = dashboard.reassign_tickets(
        db, world.supervisor, [(1, seen.version)], agent_id=world.agent
    )
    assert not result.moved and isinstance(result.failed[0][1], ConflictError)
    assert _ticket(db, 1).assignee_id == world.other_agent


def test_undo_leaves_a_ticket_someone_changed_since(db, world: World):
    seen = _ticket(db, 1)
    result = dashboard.reassign_tickets(
        db, world.supervisor, [(1, seen.version)], agent_id=world.agent
    )
    work.change_status(db, world.agent, 1, TicketStatus.PENDING, note="Waiting for the caller")
    back = dashboard.undo_reassignment(db, world.supervisor, result.moved)
    assert not back.moved and isinstance(back.failed[0][1], ConflictError)
    assert _ticket(db, 1).assignee_id == world.agent


def test_all_of_an_agents_open_tickets(db, world: World):
    work.assign_ticket(db, world.supervisor, 1, world.agent)
    mine = dashboard.open_tickets_of(db, world.supervisor, world.agent)
    assert [i for i, _v in mine] == [1]
    result = dashboard.reassign_tickets(db, world.supervisor, mine, agent_id=world.other_agent)
    assert [m.ticket_id for m in result.moved] == [1]
    assert dashboard.open_tickets_of(db, world.supervisor, world.agent) == []


def test_bad_moves_are_refused_plainly(db, world: World):
    with pytest.raises(ValidationError):
        dashboard.reassign_tickets(db, world.supervisor, [], agent_id=world.agent)
    with pytest.raises(ValidationError):
        dashboard.reassign_tickets(
            db, world.supervisor, [(1, None)], agent_id=world.agent, team_id=world.sysadmins
        )
    with pytest.raises(ValidationError):
        dashboard.reassign_tickets(db, world.supervisor, ["HD-1"], agent_id=world.agent)
