"""What the services hand the UI: frozen snapshots, never database rows."""

from __future__ import annotations

from dataclasses import dataclass

from desk.domain.model import Agent, Category, Customer, Team, TicketStatus
from desk.domain.queues import QueueRow
from desk.domain.thread import ThreadEntry
from desk.domain.ticket import Ticket


@dataclass(frozen=True, slots=True)
class TicketDetail:
    """A ticket as the editor and thread view show it."""

    ticket: Ticket
    customer: Customer
    team: Team | None
    assignee: Agent | None
    category: Category | None
    thread: tuple[ThreadEntry, ...]
    allowed_statuses: tuple[TicketStatus, ...]

    @property
    def number(self) -> str:
        return self.ticket.number


@dataclass(frozen=True, slots=True)
class CallerMatch:
    """A customer found by caller lookup, with their latest tickets."""

    customer: Customer
    recent: tuple[QueueRow, ...]

    @property
    def open_tickets(self) -> tuple[QueueRow, ...]:
        return tuple(row for row in self.recent if row.status.is_active)


@dataclass(frozen=True, slots=True)
class DeskDirectory:
    """The people, teams and help topics the UI offers in its pickers."""

    agents: tuple[Agent, ...]
    teams: tuple[Team, ...]
    categories: tuple[Category, ...]
    memberships: tuple[tuple[int, int], ...]  # (team_id, agent_id)

    def teams_of(self, agent_id: int) -> tuple[Team, ...]:
        ids = {team for team, agent in self.memberships if agent == agent_id}
        return tuple(t for t in self.teams if t.id in ids)

    def members_of(self, team_id: int) -> tuple[Agent, ...]:
        ids = {agent for team, agent in self.memberships if team == team_id}
        return tuple(a for a in self.agents if a.id in ids)
