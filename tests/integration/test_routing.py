"""Routing through the services, on SQLite and PostgreSQL: rules stored and ordered,
applied at intake and on a transfer, the thread's explanation, waiting when nobody is
available, away-until, capacity, try it and replay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from desk.domain.errors import ActionNotAllowed, PermissionDenied, ValidationError
from desk.domain.model import Availability, Priority
from desk.domain.routing_json import rule_to_json
from desk.domain.routing_rules import (
    ALWAYS,
    AddNote,
    Assign,
    CustomerIs,
    Facts,
    Rule,
    SetPriority,
    SetTeam,
    Strategy,
    Topic,
    Words,
)
from desk.domain.thread import EntryKind, EventType
from desk.services import directory, queries
from desk.services import routing_rules as rules
from desk.services import tickets as work
from desk.services.intake import IntakeRequest, log_ticket

from ..conftest import World


def _log(db, w: World, subject: str = "VPN drops", **fields):
    return log_ticket(db, w.agent, IntakeRequest(subject=subject, customer_id=w.customer, **fields))


def _network(db, w: World, *names: str):
    team = directory.create_team(db, w.admin, "Network")
    people = [
        directory.create_agent(db, w.admin, n.lower().split()[0], n, team_ids=[team.id])
        for n in names
    ]
    return team, people


def test_rules_are_stored_ordered_switched_and_deleted(db, world: World):
    first = rules.add_rule(db, world.admin, Rule("First", then=(SetPriority(Priority.HIGH),)))
    second = rules.add_rule(db, world.admin, rule_to_json(Rule("Second", then=(AddNote("x"),))))
    assert [v.rule.name for v in rules.list_rules(db)] == ["First", "Second"]
    assert first.sentence == "Always: set the priority to high, then stop."
    rules.reorder_rules(db, world.admin, [second.rule.id, first.rule.id])
    assert [v.rule.name for v in rules.list_rules(db)] == ["Second", "First"]
    off = rules.enable_rule(db, world.admin, first.rule.id, False)
    assert not off.rule.enabled and off.version == 2
    with pytest.raises(ActionNotAllowed, match="Someone else changed the rule"):
        rules.update_rule(db, world.admin, first.rule.id, Rule("Renamed", then=first.rule.then), 1)
    renamed = rules.update_rule(
        db, world.admin, first.rule.id, Rule("Renamed", then=first.rule.then), 2
    )
    assert renamed.rule.name == "Renamed" and renamed.position == 2
    rules.delete_rule(db, world.admin, second.rule.id)
    assert [v.rule.name for v in rules.list_rules(db)] == ["Renamed"]
    with pytest.raises(PermissionDenied):
        rules.add_rule(db, world.agent, Rule("Mine", then=(AddNote("x"),)))
    with pytest.raises(ValidationError) as raised:
        rules.add_rule(db, world.admin, Rule("Ghost team", then=(SetTeam(9999),)))
    assert raised.value.for_field("team")
    with pytest.raises(ValidationError):
        rules.reorder_rules(db, world.admin, [first.rule.id, first.rule.id])


def test_intake_routes_and_the_thread_says_why(db, world: World):
    team, (tom, ann) = _network(db, world, "Tom Becker", "Ann Lee")
    # Ann already has a ticket: Tom is the least loaded.
    busy = _log(db, world, "Old one")
    work.assign_ticket(db, world.admin, busy.id, ann.id)
    rules.add_rule(
        db,
        world.admin,
        Rule(
            "VPN to Network",
            Words(("vpn",)),
            (SetTeam(team.id), Assign(Strategy.LEAST_LOADED), AddNote("Check the tunnel.")),
        ),
    )
    ticket = _log(db, world)
    assert (ticket.team_id, ticket.assignee_id) == (team.id, tom.id)
    thread = queries.get_ticket(db, ticket.id).thread
    routed = next(e for e in thread if e.event == EventType.ROUTED)
    assert routed.author_name == "Routing"
    assert routed.describe() == (
        "routed the ticket: rule “VPN to Network”: “vpn” in the subject → Network;"
        " assigned to Tom Becker, least loaded with 0 open; note added"
    )
    assert any(e.kind == EntryKind.NOTE and e.body == "Check the tunnel." for e in thread)
    assert any(e.event == EventType.ASSIGNED and e.data["to_name"] == "Tom Becker" for e in thread)
    # A ticket the rules do not match goes its usual way.
    other = _log(db, world, "Printer jams", category_id=world.email_topic)
    assert (other.team_id, other.assignee_id) == (world.service_desk, None)


def test_a_named_agent_outside_the_team(db, world: World):
    _team, (tom,) = _network(db, world, "Tom Becker")
    rules.add_rule(
        db,
        world.admin,
        Rule(
            "Jane to Tom",
            CustomerIs(frozenset({world.customer})),
            (Assign(Strategy.AGENT, tom.id),),
        ),
    )
    ticket = _log(db, world, category_id=world.email_topic)
    assert (ticket.team_id, ticket.assignee_id) == (world.service_desk, tom.id)
    directory.set_availability(db, tom.id, Availability.AWAY)
    ticket = _log(db, world, category_id=world.email_topic)
    assert ticket.assignee_id is None
    waiting = next(
        e for e in queries.get_ticket(db, ticket.id).thread if e.event == EventType.ROUTING_WAITING
    )
    assert waiting.describe() == "left the ticket waiting in Service Desk (Tom Becker is away)"


def test_with_nobody_available_the_ticket_waits_in_the_team_queue(db, world: World):
    team, (tom,) = _network(db, world, "Tom Becker")
    directory.set_availability(db, tom.id, Availability.OFF_SHIFT)
    rules.add_rule(
        db,
        world.admin,
        Rule("All to Network", ALWAYS, (SetTeam(team.id), Assign(Strategy.ROUND_ROBIN))),
    )
    ticket = _log(db, world)
    assert (ticket.team_id, ticket.assignee_id) == (team.id, None)
    waiting = [
        e for e in queries.get_ticket(db, ticket.id).thread if e.event == EventType.ROUTING_WAITING
    ]
    assert len(waiting) == 1
    assert waiting[0].describe() == (
        "left the ticket waiting in Network (nobody available in Network)"
    )


def test_away_until_returns_by_itself(db, world: World):
    team, (tom,) = _network(db, world, "Tom Becker")
    rules.add_rule(
        db,
        world.admin,
        Rule("All to Network", ALWAYS, (SetTeam(team.id), Assign(Strategy.ROUND_ROBIN))),
    )
    now = datetime.now(UTC)
    directory.set_availability(db, tom.id, Availability.AWAY, now + timedelta(hours=1))
    assert _log(db, world).assignee_id is None
    db.clock = lambda: now + timedelta(hours=2)  # the leave is over; nobody said so
    assert _log(db, world).assignee_id == tom.id
    with pytest.raises(ValidationError) as raised:
        directory.set_availability(db, tom.id, Availability.OFF_SHIFT, now + timedelta(days=3))
    assert raised.value.for_field("away_until")


def test_capacity_is_respected_and_set_by_a_supervisor(db, world: World):
    team, (tom, ann) = _network(db, world, "Tom Becker", "Ann Lee")
    with pytest.raises(PermissionDenied):
        directory.set_capacity(db, world.agent, tom.id, 1)
    assert directory.set_capacity(db, world.supervisor, tom.id, 1).capacity == 1
    directory.set_capacity(db, world.admin, ann.id, 2)
    rules.add_rule(
        db, world.admin, Rule("Load", ALWAYS, (SetTeam(team.id), Assign(Strategy.LEAST_LOADED)))
    )
    assignees = [_log(db, world, f"T{n}").assignee_id for n in range(5)]
    assert sorted(a for a in assignees if a) == sorted([tom.id, ann.id, ann.id])
    assert assignees.count(None) == 2


def test_a_transfer_into_a_team_that_assigns_by_itself(db, world: World):
    team, (tom, ann) = _network(db, world, "Tom Becker", "Ann Lee")
    ticket = _log(db, world, category_id=world.email_topic)
    moved = work.transfer_ticket(db, world.agent, ticket.id, team.id)
    assert moved.assignee_id is None  # the team does not assign by itself yet
    rules.set_team_assignment(db, world.admin, team.id, Strategy.ROUND_ROBIN)
    ticket = _log(db, world, category_id=world.email_topic)
    moved = work.transfer_ticket(db, world.agent, ticket.id, team.id, reason="Network issue")
    assert moved.assignee_id == tom.id
    events = [e.event for e in queries.get_ticket(db, ticket.id).thread if e.event]
    assert events[events.index(EventType.TRANSFERRED) :][:3] == [
        EventType.TRANSFERRED,
        EventType.ROUTED,
        EventType.ASSIGNED,
    ]
    again = work.transfer_ticket(
        db, world.agent, _log(db, world, category_id=world.email_topic).id, team.id
    )
    assert again.assignee_id == ann.id  # next in turn


def test_try_it_and_replay(db, world: World):
    team, (tom, _ann) = _network(db, world, "Tom Becker", "Ann Lee")
    vpn = rules.add_rule(
        db,
        world.admin,
        Rule("VPN", Words(("vpn",)), (SetTeam(team.id), Assign(Strategy.ROUND_ROBIN))),
    )
    rules.add_rule(
        db,
        world.admin,
        Rule("Email", Topic(frozenset({world.email_topic})), (SetPriority(Priority.URGENT),)),
    )
    trial = rules.try_rules(db, world.supervisor, sample=Facts("The VPN is down"))
    assert trial.decision.assignee_id == tom.id
    assert [(t.rule_name, t.matched, t.why) for t in trial.tried] == [
        ("VPN", True, "“vpn” in the subject")
    ]
    printer = _log(db, world, "Printer", category_id=world.email_topic)
    trial = rules.try_rules(db, world.supervisor, ticket_id=printer.id)
    assert [t.matched for t in trial.tried] == [False, True]
    assert trial.explanation == "rule “Email”: topic Email; priority set to urgent"
    for n in range(6):
        _log(db, world, f"VPN {n}")
    before = queries.get_ticket(db, printer.id).ticket.version
    replay = rules.replay_rules(db, world.supervisor, 5)
    assert replay.tickets == 5 and replay.by_team == {"Network": 5}
    assert max(replay.by_agent.values()) - min(replay.by_agent.values()) <= 1
    off = rules.replay_rules(
        db, world.supervisor, 5, rules=[vpn.rule.__class__("Off", Words(("zzz",)), vpn.rule.then)]
    )
    assert off.unmatched == 5
    assert queries.get_ticket(db, printer.id).ticket.version == before
    with pytest.raises(PermissionDenied):
        rules.replay_rules(db, world.agent)
