"""The admin's changes to agents and teams: edit, (de)activate, members, rename.

Every change checks the acting agent's role, refuses a stale edit (each record has a
version; the loser hears who changed it and what, from the audit log), writes an audit
entry in its own transaction and records what changed for every running Desk.

Names are stored on tickets too (the queue sorts by them at a million tickets), so a
rename is two steps: the record itself, at once, then `spread_team_name` /
`spread_agent_name`, which bring the tickets in step in short transactions of a few
thousand ids each, so that nobody else waits on a rename for more than a moment.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from desk.domain import validation
from desk.domain.audit import Entity
from desk.domain.errors import ActionNotAllowed, PermissionDenied, ValidationError
from desk.domain.model import Agent, Role, Team
from desk.domain.permissions import Permission, can

from . import audit
from . import tickets as work
from .database import Database
from .directory import _agent_snapshot
from .tickets import acting_agent
from .views import DeskDirectory

#: Ticket ids per rename batch to start with; it adapts to keep each near BATCH_TARGET_S.
BATCH_START = 2_000
BATCH_MIN, BATCH_MAX = 200, 50_000
BATCH_TARGET_S = 0.03
BATCH_YIELD_MAX_S = 0.1


@dataclass(frozen=True, slots=True)
class AdminDirectory:
    """Everyone and everything the Administration window lists, deactivated ones too,
    with how much open work each agent and team holds."""

    #: Every agent, team and help topic (`categories`), deactivated ones too.
    directory: DeskDirectory
    open_by_agent: Mapping[int, int] = field(default_factory=dict)
    open_by_team: Mapping[int, int] = field(default_factory=dict)
    #: What the reader may change: everything (admins), team members (supervisors).
    may_manage: bool = False
    may_manage_members: bool = False

    agents = property(lambda self: self.directory.agents)
    teams = property(lambda self: self.directory.teams)
    topics = property(lambda self: self.directory.categories)

    def teams_of(self, agent_id: int) -> tuple[Team, ...]:
        return self.directory.teams_of(agent_id)

    def members_of(self, team_id: int) -> tuple[Agent, ...]:
        return self.directory.members_of(team_id)


@dataclass(frozen=True, slots=True)
class SpreadReport:
    """How a rename reached the tickets."""

    tickets: int  # rows changed
    batches: int
    seconds: float
    longest_batch_s: float


def admin_directory(db: Database, actor_id: int) -> AdminDirectory:
    """The Administration window's lists (admins and supervisors; agents may not)."""
    with db.read() as uow:
        actor = acting_agent(uow, actor_id, Permission.WORK_TICKETS)
        if not (can(actor, Permission.MANAGE_DESK) or can(actor, Permission.MANAGE_MEMBERS)):
            raise PermissionDenied(
                f"{actor.name} ({actor.role}) may not open the Administration window "
                "(supervisors and admins can)."
            )
        return AdminDirectory(
            DeskDirectory(
                agents=tuple(uow.agents.all()),
                teams=tuple(uow.teams.all()),
                categories=tuple(uow.categories.all(include_inactive=True)),
                memberships=tuple(uow.teams.memberships()),
            ),
            open_by_agent=uow.agents.open_ticket_counts(),
            open_by_team=uow.teams.open_ticket_counts(),
            may_manage=can(actor, Permission.MANAGE_DESK),
            may_manage_members=can(actor, Permission.MANAGE_MEMBERS),
        )


agent_snapshot = _agent_snapshot


def team_snapshot(team: Team) -> dict[str, object]:
    return {"name": team.name, "description": team.description, "active": team.active}


def _team_names(uow, team_ids: Sequence[int]) -> list[str]:  # type: ignore[no-untyped-def]
    return [uow.teams.get(i).name for i in team_ids]


def _check_admins_remain(uow, agent: Agent, updated: Agent) -> None:  # type: ignore[no-untyped-def]
    """A desk always keeps one active admin: nobody could manage it otherwise."""
    was_admin = agent.role == Role.ADMIN and agent.active
    still = updated.role == Role.ADMIN and updated.active
    if was_admin and not still:
        others = [
            a for a in uow.agents.all(active_only=True) if a.role == Role.ADMIN and a.id != agent.id
        ]
        if not others:
            field_name = "role" if updated.active else "active"
            raise ValidationError.single(
                field_name,
                f"{agent.name} is the desk's only admin: make someone else an admin first.",
            )


def update_agent(
    db: Database,
    actor_id: int,
    agent_id: int,
    version: int,
    *,
    name: str,
    email: str | None,
    role: Role,
    team_ids: Sequence[int],
) -> Agent:
    """Change an agent's name, email, role and teams (admins). `version` is the one the
    admin read: someone else's change since is a RecordConflict, and nothing is saved."""
    agent_id = validation.clean_id("agent", "agent", agent_id)
    version = validation.clean_count("version", "The version", version, low=1)
    name, email = validation.collect(
        lambda: validation.clean_text(
            "name", "The name", name, limit=validation.NAME_MAX, required=True
        ),
        lambda: validation.clean_email(email),
    )
    role = validation.clean_choice("role", "role", Role, role)
    team_ids = validation.clean_ids("teams", "team", team_ids)
    with db.write() as uow:
        actor = acting_agent(uow, actor_id, Permission.MANAGE_DESK)
        agent = uow.agents.get(agent_id)
        before = agent_snapshot(agent, _team_names(uow, uow.agents.team_ids(agent_id)))
        updated = replace(agent, name=name, email=email, role=role)
        _check_admins_remain(uow, agent, updated)
        if agent.id == actor.id and role != agent.role:
            raise ValidationError.single(
                "role", "You cannot change your own role; ask another admin."
            )
        names = _team_names(uow, team_ids)  # each must exist
        if not uow.agents.update(updated, version):
            raise audit.conflict(uow, Entity.AGENT, agent_id, version, f"the agent {agent.name}")
        uow.agents.set_teams(agent_id, team_ids)
        saved = uow.agents.get(agent_id)
        after = agent_snapshot(saved, names)
        audit.record(
            uow,
            actor,
            "agent.edit",
            f"Changed the agent {saved.name} ({saved.login})",
            entity_id=agent_id,
            version=saved.version,
            before=before,
            after=after,
        )
        uow.commit()
    return saved


def set_agent_active(
    db: Database, actor_id: int, agent_id: int, version: int, active: bool
) -> Agent:
    """Deactivate or reactivate an agent (admins). Nobody is deleted: their history and
    name stay on every ticket. A deactivated agent is offered for no assignment and
    routing skips them; their open tickets wait for reassignment."""
    agent_id = validation.clean_id("agent", "agent", agent_id)
    version = validation.clean_count("version", "The version", version, low=1)
    if not isinstance(active, bool):
        raise ValidationError.single("active", "Say whether the agent is active: yes or no.")
    with db.write() as uow:
        actor = acting_agent(uow, actor_id, Permission.MANAGE_DESK)
        agent = uow.agents.get(agent_id)
        if agent.id == actor.id and not active:
            raise ValidationError.single(
                "active", "You cannot deactivate yourself; ask another admin."
            )
        updated = replace(agent, active=active)
        _check_admins_remain(uow, agent, updated)
        if not uow.agents.update(updated, version):
            raise audit.conflict(uow, Entity.AGENT, agent_id, version, f"the agent {agent.name}")
        saved = uow.agents.get(agent_id)
        teams = _team_names(uow, uow.agents.team_ids(agent_id))
        audit.record(
            uow,
            actor,
            "agent.reactivate" if active else "agent.deactivate",
            f"{'Reactivated' if active else 'Deactivated'} the agent {saved.name} ({saved.login})",
            entity_id=agent_id,
            version=saved.version,
            before=agent_snapshot(agent, teams),
            after=agent_snapshot(saved, teams),
        )
        uow.commit()
    return saved


def release_open_tickets(db: Database, actor_id: int, agent_id: int) -> int:
    """Give every open ticket of `agent_id` back to its team's queue (supervisors and
    admins), for reassignment: what is left of a deactivated agent's work. Each ticket
    is released in its own transaction, with its "released" event; returns how many."""
    agent_id = validation.clean_id("agent", "agent", agent_id)
    with db.read() as uow:
        acting_agent(uow, actor_id, Permission.ASSIGN_OTHERS)
        ids = uow.agents.open_ticket_ids(agent_id)
    released = 0
    for ticket_id in ids:
        try:
            work.release_ticket(db, actor_id, ticket_id)
        except ValidationError:
            continue
        except ActionNotAllowed:  # someone else reassigned or closed it meanwhile
            continue
        released += 1
    return released


def update_team(
    db: Database, actor_id: int, team_id: int, version: int, *, name: str, description: str
) -> Team:
    """Rename or describe a team (admins). The name on its tickets follows in batches:
    call `spread_team_name` afterwards (the UI and the command line do)."""
    team_id = validation.clean_id("team", "team", team_id)
    version = validation.clean_count("version", "The version", version, low=1)
    name = validation.clean_text(
        "name", "The team's name", name, limit=validation.TEAM_NAME_MAX, required=True
    )
    description = validation.clean_text("description", "The description", description, limit=400)
    with db.write() as uow:
        actor = acting_agent(uow, actor_id, Permission.MANAGE_DESK)
        team = uow.teams.get(team_id)
        updated = replace(team, name=name, description=description)
        if not uow.teams.update(updated, version):
            raise audit.conflict(uow, Entity.TEAM, team_id, version, f"the team {team.name}")
        saved = uow.teams.get(team_id)
        renamed = team.name != saved.name
        audit.record(
            uow,
            actor,
            "team.rename" if renamed else "team.edit",
            f"Renamed the team {team.name} to {saved.name}"
            if renamed
            else f"Changed the team {saved.name}",
            entity_id=team_id,
            version=saved.version,
            before=team_snapshot(team),
            after=team_snapshot(saved),
        )
        uow.commit()
    return saved


def set_team_active(db: Database, actor_id: int, team_id: int, version: int, active: bool) -> Team:
    """Deactivate or reactivate a team (admins). A deactivated team takes no transfers
    and no new tickets; its queue stays for the tickets it still has."""
    team_id = validation.clean_id("team", "team", team_id)
    version = validation.clean_count("version", "The version", version, low=1)
    if not isinstance(active, bool):
        raise ValidationError.single("active", "Say whether the team is active: yes or no.")
    with db.write() as uow:
        actor = acting_agent(uow, actor_id, Permission.MANAGE_DESK)
        team = uow.teams.get(team_id)
        if not uow.teams.update(replace(team, active=active), version):
            raise audit.conflict(uow, Entity.TEAM, team_id, version, f"the team {team.name}")
        saved = uow.teams.get(team_id)
        audit.record(
            uow,
            actor,
            "team.reactivate" if active else "team.deactivate",
            f"{'Reactivated' if active else 'Deactivated'} the team {saved.name}",
            entity_id=team_id,
            version=saved.version,
            before=team_snapshot(team),
            after=team_snapshot(saved),
        )
        uow.commit()
    return saved


def set_team_members(db: Database, actor_id: int, team_id: int, agent_ids: Sequence[int]) -> None:
    """Exactly these agents are in the team afterwards (supervisors and admins)."""
    team_id = validation.clean_id("team", "team", team_id)
    agent_ids = validation.clean_ids("members", "agent", agent_ids)
    with db.write() as uow:
        actor = acting_agent(uow, actor_id, Permission.MANAGE_MEMBERS)
        team = uow.teams.get(team_id)
        have = {a for t, a in uow.teams.memberships() if t == team_id}
        wanted = set(agent_ids)
        names = {a.id: a.name for a in uow.agents.all()}
        missing = wanted - set(names)
        if missing:
            raise ValidationError.single("members", f"There is no agent with id {min(missing)}.")
        for agent_id in sorted(wanted - have):
            uow.teams.add_member(team_id, agent_id)
        for agent_id in sorted(have - wanted):
            uow.teams.remove_member(team_id, agent_id)
        if wanted != have:
            audit.record(
                uow,
                actor,
                "team.members",
                f"Changed who is in the team {team.name}",
                entity_id=team_id,
                before={"members": sorted(names[a] for a in have)},
                after={"members": sorted(names[a] for a in wanted)},
            )
        uow.commit()


def _spread(
    db: Database,
    step: Callable[[object, int, int], int],
    batch: int,
    on_batch: Callable[[int, int], None] | None,
    adaptive: bool = True,
) -> SpreadReport:
    """Walk the tickets by id range, one short transaction per range, then go over the
    whole range again until a pass changes nothing (rows that were locked, or written
    with the old name by a save that began before the rename)."""
    started = time.perf_counter()
    changed = batches = 0
    longest = 0.0
    size = max(1, min(BATCH_MAX, batch))
    yield_lock = getattr(db, "backend", "") == "sqlite"  # PostgreSQL queues row locks
    for _pass in range(5):
        with db.read() as uow:
            low, high = uow.teams.ticket_id_range()
        after, in_pass = low - 1, 0
        while after < high:
            upto = min(high, after + size)
            began = time.perf_counter()
            with db.write() as uow:
                in_pass += step(uow, after, upto)
                uow.commit()
            took = time.perf_counter() - began
            longest = max(longest, took)
            batches += 1
            after = upto
            # Keep each transaction near the target, whatever this machine's speed.
            if not adaptive:
                pass
            elif took < BATCH_TARGET_S / 2:
                size = min(BATCH_MAX, size * 2)
            elif took > BATCH_TARGET_S * 2:
                size = max(BATCH_MIN, size // 2)
            if on_batch is not None:
                on_batch(after - low + 1, high - low + 1)
            if yield_lock:
                # SQLite's writers wait in a busy handler that sleeps and retries: a
                # rename that takes the lock again at once would starve them. Leaving
                # it free as long as it was held lets one of them in between batches.
                time.sleep(min(BATCH_YIELD_MAX_S, max(0.005, took)))
        changed += in_pass
        if in_pass == 0:
            break
    return SpreadReport(changed, batches, time.perf_counter() - started, longest)


def spread_team_name(
    db: Database,
    team_id: int,
    *,
    batch: int = BATCH_START,
    on_batch: Callable[[int, int], None] | None = None,
    adaptive: bool = True,
) -> SpreadReport:
    """Bring the team's name on its tickets in step with the team (after `update_team`).
    Safe to run again, or after an interrupted one: it only writes stale rows.
    `on_batch(done, total)` hears the progress in ticket ids; `adaptive` False keeps
    `batch` ids per transaction instead of aiming at BATCH_TARGET_S."""
    team_id = validation.clean_id("team", "team", team_id)
    return _spread(
        db, lambda uow, a, b: uow.teams.rename_on_tickets(team_id, a, b), batch, on_batch, adaptive
    )


def spread_agent_name(
    db: Database,
    agent_id: int,
    *,
    batch: int = BATCH_START,
    on_batch: Callable[[int, int], None] | None = None,
) -> SpreadReport:
    """As `spread_team_name`, for an agent's name on the tickets assigned to them."""
    agent_id = validation.clean_id("agent", "agent", agent_id)
    return _spread(
        db, lambda uow, a, b: uow.agents.rename_on_tickets(agent_id, a, b), batch, on_batch
    )
