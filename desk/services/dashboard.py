"""The supervisor's dashboard: its numbers, lanes and charts, and reassigning from it.

Reads come in parts, so that a change re-reads only the part it can move: the counts
(`dashboard_counts`, one snapshot), the lanes, the charts. Reassigning goes through
`tickets.assign_ticket` / `transfer_ticket` one ticket at a time, each with the version
the supervisor saw, so permissions, version checks and routing are the same as anywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from desk.domain import validation as v
from desk.domain.dashboard import (
    LANE_LIMIT,
    Activity,
    AgentInfo,
    AgentLoad,
    Charts,
    Lanes,
    TeamLoad,
    agent_loads,
    backlog,
    bucket_counts,
    day_starts,
    hour_starts,
    team_loads,
)
from desk.domain.errors import DeskError, ValidationError
from desk.domain.model import effective_availability
from desk.domain.permissions import Permission, require
from desk.domain.queues import end_of_day
from desk.domain.ticket import Ticket

from . import tickets as work
from .database import Database

NO_TEAM = "No team"


@dataclass(frozen=True, slots=True)
class DashboardCounts:
    at: datetime  # the moment the counts are for, in the supervisor's zone
    teams: tuple[TeamLoad, ...]
    agents: tuple[AgentLoad, ...]


def _now(now: object) -> datetime:
    if now is None:
        return datetime.now(UTC).astimezone()
    moment = v.clean_moment("now", "The time", now)
    assert moment is not None
    return moment


def _supervisor(uow, actor_id: object) -> None:
    actor = uow.agents.get(v.clean_id("agent", "agent", actor_id))
    require(actor, Permission.ASSIGN_OTHERS)


def dashboard_counts(db: Database, actor_id: int, now: datetime | None = None) -> DashboardCounts:
    """Each team's and agent's counts, from one snapshot. `now` is the supervisor's time
    (its zone decides where "due today" ends); each count is `measure_filter`'s queue."""
    now = _now(now)
    with db.read() as uow:
        _supervisor(uow, actor_id)
        groups = uow.dashboard.status_groups()
        dues = uow.dashboard.due_groups(now, end_of_day(now))
        last = uow.dashboard.last_activity()
        teams = [(t.id, t.name) for t in uow.teams.all() if t.id is not None]
        # The people who work queues: members of a team, and anyone holding open tickets
        # (an admin who is in no team and holds none is not a line of zeros).
        staff = {agent for _team, agent in uow.teams.memberships()}
        holding = {g.assignee_id for g in groups if g.assignee_id is not None}
        people = [
            AgentInfo(
                a.id,
                a.name,
                effective_availability(a.availability, a.away_until, now),
                a.capacity,
                a.away_until,
            )
            for a in uow.agents.all()
            if a.active and a.id is not None and (a.id in staff or a.id in holding)
        ]
    return DashboardCounts(
        now,
        team_loads(teams, groups, dues, NO_TEAM),
        agent_loads(people, groups, dues, last),
    )


def dashboard_lanes(
    db: Database, actor_id: int, now: datetime | None = None, limit: int = LANE_LIMIT
) -> Lanes:
    """The unassigned tickets, the longest waiting first, and the overdue (newest breach
    first) then at-risk ones, `limit` of each, with how many there are in all."""
    now = _now(now)
    limit = v.clean_count("limit", "The number of tickets", limit, low=1, high=v.PAGE_MAX)
    with db.read() as uow:
        _supervisor(uow, actor_id)
        unassigned, unassigned_total = uow.dashboard.unassigned_lane(limit)
        breaches, breaches_total = uow.dashboard.breach_lane(now, limit)
    return Lanes(tuple(unassigned), unassigned_total, tuple(breaches), breaches_total)


def dashboard_charts(db: Database, actor_id: int, now: datetime | None = None) -> Charts:
    """Tickets arriving and resolved per hour today and per day this month, and the
    open backlog at the end of each day, in the supervisor's zone."""
    now = _now(now)
    hours, days = hour_starts(now), day_starts(now)
    with db.read() as uow:
        _supervisor(uow, actor_id)
        arrived = uow.dashboard.arrivals_by_hour(days[0])
        resolved = uow.dashboard.resolutions_by_hour(days[0])
        open_now = uow.dashboard.open_count()
    month = Activity(days, bucket_counts(days, arrived), bucket_counts(days, resolved))
    today = Activity(hours, bucket_counts(hours, arrived), bucket_counts(hours, resolved))
    return Charts(today, month, backlog(open_now, month))


def open_tickets_of(db: Database, actor_id: int, agent_id: int) -> list[tuple[int, int]]:
    """(ticket id, version) of all the agent's open tickets: "move all of Priya's…"."""
    agent_id = v.clean_id("agent", "agent", agent_id)
    with db.read() as uow:
        _supervisor(uow, actor_id)
        uow.agents.get(agent_id)
        return uow.dashboard.open_tickets_of(agent_id)


# --- reassigning ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reassigned:
    """One ticket moved, with what it takes to move it back."""

    ticket_id: int
    version: int  # its version after the move (an undo expects it)
    was_team_id: int | None
    was_assignee_id: int | None


@dataclass(frozen=True, slots=True)
class ReassignResult:
    moved: tuple[Reassigned, ...]
    failed: tuple[tuple[int, DeskError], ...]  # ticket id, why it was not moved

    @property
    def all_failed(self) -> bool:
        return not self.moved and bool(self.failed)


def _clean_moves(tickets: object) -> list[tuple[int, int | None]]:
    if isinstance(tickets, (str, bytes)) or not isinstance(tickets, Sequence):
        raise ValidationError.single("tickets", "The tickets to move are not a list.")
    if not tickets:
        raise ValidationError.single("tickets", "Choose at least one ticket to move.")
    if len(tickets) > v.PAGE_MAX:
        raise ValidationError.single("tickets", f"Move at most {v.PAGE_MAX} tickets at once.")
    cleaned: list[tuple[int, int | None]] = []
    for item in tickets:
        if isinstance(item, (str, bytes)) or not isinstance(item, Sequence) or len(item) != 2:
            raise ValidationError.single(
                "tickets", "Each ticket to move is a number and a version."
            )
        ticket_id = v.clean_id("ticket", "ticket", item[0])
        version = None if item[1] is None else v.clean_count("version", "The version", item[1])
        cleaned.append((ticket_id, version))
    return cleaned


def _before(db: Database, ticket_id: int) -> Ticket:
    with db.read() as uow:
        return uow.tickets.get(ticket_id)


def reassign_tickets(
    db: Database,
    actor_id: int,
    tickets: Sequence[tuple[int, int | None]],
    *,
    agent_id: int | None = None,
    team_id: int | None = None,
) -> ReassignResult:
    """Give each ticket (id, the version the supervisor saw) to `agent_id`, or transfer it
    to `team_id`: each in its own transaction, with the usual permission and version
    checks. A ticket someone changed meanwhile is not moved; the result says which and why."""
    moves = _clean_moves(tickets)
    if (agent_id is None) == (team_id is None):
        raise ValidationError.single("target", "Drop the tickets on one agent or one team.")
    if agent_id is not None:
        agent_id = v.clean_id("agent", "agent", agent_id)
    if team_id is not None:
        team_id = v.clean_id("team", "team", team_id)
    actor_id = v.clean_id("agent", "agent", actor_id)
    with db.read() as uow:
        _supervisor(uow, actor_id)
    moved: list[Reassigned] = []
    failed: list[tuple[int, DeskError]] = []
    for ticket_id, version in moves:
        try:
            before = _before(db, ticket_id)
            if agent_id is not None:
                if before.assignee_id == agent_id:
                    continue  # already theirs: nothing to move, nothing to undo
                saved = work.assign_ticket(db, actor_id, ticket_id, agent_id, version)
            else:
                assert team_id is not None
                if before.team_id == team_id:
                    continue
                saved = work.transfer_ticket(
                    db, actor_id, ticket_id, team_id, expected_version=version
                )
        except DeskError as exc:
            failed.append((ticket_id, exc))
            continue
        moved.append(Reassigned(ticket_id, saved.version, before.team_id, before.assignee_id))
    return ReassignResult(tuple(moved), tuple(failed))


def undo_reassignment(db: Database, actor_id: int, moved: Sequence[Reassigned]) -> ReassignResult:
    """Put tickets back where a reassignment found them, unless someone changed them since
    (then they stay, and the result says so)."""
    if isinstance(moved, (str, bytes)) or not isinstance(moved, Sequence):
        raise ValidationError.single("tickets", "The tickets to put back are not a list.")
    if not all(isinstance(m, Reassigned) for m in moved):
        raise ValidationError.single("tickets", "The tickets to put back are not a reassignment.")
    actor_id = v.clean_id("agent", "agent", actor_id)
    back: list[Reassigned] = []
    failed: list[tuple[int, DeskError]] = []
    for m in moved:
        ticket_id = v.clean_id("ticket", "ticket", m.ticket_id)
        version = v.clean_count("version", "The version", m.version)
        try:
            now = _before(db, ticket_id)
            saved = now
            if m.was_team_id is not None and now.team_id != m.was_team_id:
                saved = work.transfer_ticket(
                    db, actor_id, ticket_id, m.was_team_id, expected_version=version
                )
                version = saved.version
            if m.was_assignee_id is not None and saved.assignee_id != m.was_assignee_id:
                saved = work.assign_ticket(db, actor_id, ticket_id, m.was_assignee_id, version)
            elif m.was_assignee_id is None and saved.assignee_id is not None:
                saved = work.release_ticket(db, actor_id, ticket_id, version)
        except DeskError as exc:
            failed.append((ticket_id, exc))
            continue
        back.append(Reassigned(ticket_id, saved.version, now.team_id, now.assignee_id))
    return ReassignResult(tuple(back), tuple(failed))
