from __future__ import annotations

import pytest

from desk.domain import lifecycle
from desk.domain.model import Channel, Level, Priority
from desk.domain.priority import priority_for

from .factories import AGENT, T0, ticket

L, M, H = Level.LOW, Level.MEDIUM, Level.HIGH


@pytest.mark.parametrize(
    ("impact", "urgency", "expected"),
    [
        (H, H, Priority.URGENT),
        (H, M, Priority.HIGH),
        (M, H, Priority.HIGH),
        (H, L, Priority.NORMAL),
        (M, M, Priority.NORMAL),
        (L, H, Priority.NORMAL),
        (M, L, Priority.LOW),
        (L, M, Priority.LOW),
        (L, L, Priority.LOW),
    ],
)
def test_itil_matrix(impact: Level, urgency: Level, expected: Priority):
    assert priority_for(impact, urgency) == expected


def test_changing_impact_moves_the_priority_and_records_both():
    change = lifecycle.set_levels(ticket(), H, H, AGENT, T0)
    assert change.ticket.priority == Priority.URGENT
    assert [e.type for e in change.events] == [
        "impact_changed",
        "urgency_changed",
        "priority_changed",
    ]


def test_an_override_is_recorded_and_survives_level_changes():
    overridden = lifecycle.override_priority(ticket(), Priority.URGENT, AGENT, T0)
    assert overridden.ticket.priority_overridden
    assert overridden.events[0].data == {"from": "normal", "to": "urgent", "override": True}
    after = lifecycle.set_levels(overridden.ticket, L, L, AGENT, T0).ticket
    assert after.priority == Priority.URGENT and after.priority_overridden


def test_choosing_the_matrix_value_clears_the_override():
    overridden = lifecycle.override_priority(ticket(), Priority.URGENT, AGENT, T0).ticket
    cleared = lifecycle.override_priority(overridden, None, AGENT, T0)
    assert cleared.ticket.priority == Priority.NORMAL
    assert not cleared.ticket.priority_overridden


def test_a_new_ticket_with_an_explicit_priority_is_an_override():
    change = lifecycle.new_ticket(
        subject="Server room too hot",
        description="",
        customer_id=1,
        channel=Channel.WALK_IN,
        now=T0,
        actor_id=AGENT.id,
        impact=L,
        urgency=L,
        priority=Priority.URGENT,
    )
    assert change.ticket.priority == Priority.URGENT and change.ticket.priority_overridden
    assert change.events[0].data["override"] is True
