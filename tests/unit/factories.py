"""Domain objects for unit tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from desk.domain.model import Agent, Channel, Level, Priority, Role, TicketStatus
from desk.domain.ticket import Ticket

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
AGENT = Agent(7, "sam", "Sam Agent", None, Role.AGENT)
OTHER = Agent(8, "olga", "Olga Other", None, Role.AGENT)
SUPERVISOR = Agent(9, "sue", "Sue Supervisor", None, Role.SUPERVISOR)


def ticket(status: TicketStatus = TicketStatus.NEW, **fields: object) -> Ticket:
    base = Ticket(
        id=123,
        subject="VPN disconnects every 10 minutes",
        description="",
        customer_id=1,
        channel=Channel.PHONE,
        category_id=None,
        team_id=1,
        assignee_id=None,
        status=status,
        impact=Level.MEDIUM,
        urgency=Level.MEDIUM,
        priority=Priority.NORMAL,
        priority_overridden=False,
        asset="",
        created_at=T0,
        created_by=AGENT.id,
        updated_at=T0,
        updated_by=AGENT.id,
    )
    if status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        base = replace(base, resolved_at=T0, resolution_note="Fixed.")
    if status == TicketStatus.CLOSED:
        base = replace(base, closed_at=T0)
    return replace(base, **fields)
