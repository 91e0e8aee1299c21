"""SLA plans: validation, the plan a help topic gets, escalations as data."""

from __future__ import annotations

from datetime import timedelta

import pytest

from desk.domain.errors import ValidationError
from desk.domain.model import Priority, TicketStatus
from desk.domain.sla import Clock, Escalation, EscalationKind, Targets, choose_plan, plan

H = timedelta(hours=1)


def make(name: str = "Standard", plan_id: int = 1, **fields: object):
    return plan(name, {Priority.NORMAL: (H, 8 * H)}, plan_id=plan_id, **fields)


def test_targets_and_at_risk_share():
    p = make(at_risk_percent=75)
    assert p.target(Clock.FIRST_RESPONSE, Priority.NORMAL) == H
    assert p.target(Clock.RESOLUTION, Priority.NORMAL) == 8 * H
    assert p.target(Clock.RESOLUTION, Priority.URGENT) is None
    assert p.at_risk_after(8 * H) == 6 * H
    assert make(at_risk_percent=None).at_risk_after(8 * H) is None


def test_pending_pauses_by_default_and_a_plan_may_name_more():
    assert make().pauses(TicketStatus.PENDING)
    assert not make(pause=frozenset()).pauses(TicketStatus.PENDING)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": " "}, "name"),
        ({"at_risk_percent": 100}, "at_risk_percent"),
        ({"pause": frozenset({TicketStatus.OPEN})}, "pause"),
    ],
)
def test_a_plan_that_cannot_work_names_the_field_to_fix(fields: dict, field: str):
    with pytest.raises(ValidationError) as caught:
        make(**fields)
    assert caught.value.problems[0].field == field


def test_a_target_is_longer_than_zero():
    with pytest.raises(ValidationError) as caught:
        Targets(first_response=timedelta(0))
    assert caught.value.problems[0].field == "first_response"


def test_the_plan_comes_from_the_topic_its_parents_or_the_desk():
    default, hardware, printers = make("Desk", 1), make("Hardware", 2), make("Printers", 3)
    parents = {10: None, 11: 10, 12: 11, 20: None}
    topic_plans = {10: hardware, 12: printers}

    def chosen(topic: int | None):
        return choose_plan(topic, topic_plans=topic_plans, parents=parents, default=default)

    assert chosen(12) is printers  # its own
    assert chosen(11) is hardware  # its parent's
    assert chosen(20) is default and chosen(None) is default
    # A loop in the topic tree ends the walk.
    assert choose_plan(1, topic_plans={}, parents={1: 2, 2: 1}, default=default) is default


def test_escalations_are_data_and_never_lower_the_priority():
    up = Escalation(Clock.RESOLUTION, EscalationKind.RAISE_PRIORITY)
    to_high = Escalation(Clock.RESOLUTION, EscalationKind.RAISE_PRIORITY, priority=Priority.HIGH)
    move = Escalation(Clock.FIRST_RESPONSE, EscalationKind.MOVE_TO_TEAM, team_id=4)
    assert up.raised(Priority.NORMAL) == Priority.HIGH
    assert up.raised(Priority.URGENT) == Priority.URGENT
    assert to_high.raised(Priority.URGENT) == Priority.URGENT
    assert to_high.raised(Priority.LOW) == Priority.HIGH
    p = make(escalations=(up, move))
    assert p.escalations_on(Clock.FIRST_RESPONSE) == (move,)
    with pytest.raises(ValidationError):
        Escalation(Clock.RESOLUTION, EscalationKind.MOVE_TO_TEAM)


def test_plans_are_values():
    assert make() == make() and hash(make()) == hash(make())
    assert make() != make(at_risk_percent=50)
