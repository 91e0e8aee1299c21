"""How events read in the thread, and what of them search indexes."""

from __future__ import annotations

from desk.domain import lifecycle
from desk.domain.model import Team, TicketStatus

from .factories import AGENT, T0, ticket

FACILITIES = Team(4, "Facilities")
NETWORK = Team(2, "Network")


def test_a_transfer_from_no_team_names_only_where_it_went():
    change = lifecycle.transfer(ticket(TicketStatus.OPEN, team_id=None), FACILITIES, AGENT, T0)
    assert change.events[0].describe() == "transferred the ticket to Facilities"


def test_a_transfer_between_teams_names_both():
    change = lifecycle.transfer(
        ticket(TicketStatus.OPEN, team_id=2), FACILITIES, AGENT, T0, from_team=NETWORK
    )
    assert change.events[0].describe() == "transferred the ticket from Network to Facilities"


def test_what_an_agent_typed_with_an_event_is_its_searchable_text():
    pending = lifecycle.set_pending(ticket(TicketStatus.OPEN), AGENT, T0, "Courier on Friday")
    resolved = lifecycle.resolve(ticket(TicketStatus.OPEN), AGENT, T0, "Swapped the PSU")
    moved = lifecycle.transfer(ticket(TicketStatus.OPEN), FACILITIES, AGENT, T0, reason="Door")
    claimed = lifecycle.claim(ticket(TicketStatus.OPEN), AGENT, T0)
    assert [e.searchable_text for e in pending.events] == ["Courier on Friday"]
    assert [e.searchable_text for e in resolved.events] == ["Swapped the PSU"]
    assert [e.searchable_text for e in moved.events] == ["Door"]
    assert [e.searchable_text for e in claimed.events] == [""]
