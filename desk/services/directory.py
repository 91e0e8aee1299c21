"""Agents, teams and help topics: the admin's side of the desk. (Signing in and passwords:
desk.services.sign_in.)"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from desk.domain import validation
from desk.domain.errors import PermissionDenied, ValidationError
from desk.domain.model import Agent, Availability, Category, Priority, Role, Team
from desk.domain.permissions import Permission
from desk.domain.sign_in import PASSWORD_MAX, PASSWORD_MIN

from . import audit
from .database import Database
from .sign_in import hash_password
from .tickets import acting_agent

_LOGIN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def clean_password(password: object) -> str:
    """A new password, long enough (and not absurdly long)."""
    typed = validation.storable("password", "The password", password)
    if len(typed) < PASSWORD_MIN:
        raise ValidationError.single(
            "password", f"The password needs at least {PASSWORD_MIN} characters."
        )
    if len(typed) > PASSWORD_MAX:
        raise ValidationError.single(
            "password", f"The password can have at most {PASSWORD_MAX:,} characters."
        )
    return typed


def _clean_agent(
    login: str, name: str, email: str | None, password: str | None
) -> tuple[str, str, str | None, str | None]:
    def check_login() -> str:
        typed = validation.storable("login", "The login", login).lower()
        value = validation.clean_text(
            "login", "The login", typed, limit=validation.LOGIN_MAX, required=True
        )
        if not _LOGIN.match(value):
            raise ValidationError.single(
                "login", "A login uses lower-case letters, digits, dots, dashes and underscores."
            )
        return value

    def check_password() -> str | None:
        return None if password is None else clean_password(password)

    login, name, email, password = validation.collect(
        check_login,
        lambda: validation.clean_text(
            "name", "The name", name, limit=validation.NAME_MAX, required=True
        ),
        lambda: validation.clean_email(email),
        check_password,
    )
    return login, name, email, password


def _agent_snapshot(agent: Agent, teams: Sequence[str]) -> dict[str, object]:
    return {
        "login": agent.login,
        "name": agent.name,
        "email": agent.email,
        "role": agent.role,
        "active": agent.active,
        "teams": sorted(teams),
    }


def has_agents(db: Database) -> bool:
    with db.read() as uow:
        return uow.agents.count() > 0


def create_first_admin(
    db: Database, login: str, name: str, email: str | None = None, password: str | None = None
) -> Agent:
    """The first person on an empty desk becomes its admin; refused once anyone exists."""
    login, name, email, password = _clean_agent(login, name, email, password)
    with db.write() as uow:
        uow.agents.lock_for_first_admin()  # counted again by whoever waited for this one
        if uow.agents.count() > 0:
            raise PermissionDenied("This desk already has agents; ask an admin to add you.")
        agent = Agent(None, login, name, email, Role.ADMIN)
        created = uow.agents.add(agent, hash_password(password), uow.now())
        audit.record(
            uow,
            created,
            "agent.create",
            f"Created the desk's first admin, {created.name} ({created.login})",
            entity_id=created.id,
            version=created.version,
            after=_agent_snapshot(created, []),
        )
        uow.commit()
    return created


def create_agent(
    db: Database,
    actor_id: int,
    login: str,
    name: str,
    *,
    email: str | None = None,
    role: Role = Role.AGENT,
    password: str | None = None,
    team_ids: Sequence[int] = (),
    password_hash: str | None = None,
) -> Agent:
    """A new agent in the given teams. `password_hash` (from `hash_password`) stands in
    for `password` when many agents get the same one, as in the demo."""
    login, name, email, password = _clean_agent(login, name, email, password)
    role = validation.clean_choice("role", "role", Role, role)
    team_ids = validation.clean_ids("team", "team", team_ids)
    if password_hash is not None and not isinstance(password_hash, str):
        raise ValidationError.single("password", "The password's hash must be text.")
    stored = password_hash or hash_password(password)
    with db.write() as uow:
        actor = acting_agent(uow, actor_id, Permission.MANAGE_DESK)
        # On a server set up with `desk server-setup` the agent signs in with a login of
        # their own, made here with the row when a password is given (else later, with
        # server_setup.create_agent_login): PostgreSQL keeps the password, Desk no hash.
        own_login = uow.logins.enabled
        created = uow.agents.add(
            Agent(None, login, name, email, role), None if own_login else stored, uow.now()
        )
        assert created.id is not None
        if own_login and password is not None:
            uow.logins.create(created.login, password)
        names = []
        for team_id in team_ids:
            names.append(uow.teams.get(team_id).name)
            uow.teams.add_member(team_id, created.id)
        audit.record(
            uow,
            actor,
            "agent.create",
            f"Added the agent {created.name} ({created.login}) as {created.role.value}",
            entity_id=created.id,
            version=created.version,
            after=_agent_snapshot(created, names),
        )
        uow.commit()
    return created


def create_team(db: Database, actor_id: int, name: str, description: str = "") -> Team:
    name = validation.clean_text(
        "name", "The team's name", name, limit=validation.TEAM_NAME_MAX, required=True
    )
    description = validation.clean_text("description", "The description", description, limit=400)
    with db.write() as uow:
        actor = acting_agent(uow, actor_id, Permission.MANAGE_DESK)
        team = uow.teams.add(Team(None, name, description), uow.now())
        audit.record(
            uow,
            actor,
            "team.create",
            f"Added the team {team.name}",
            entity_id=team.id,
            version=team.version,
            after={"name": team.name, "description": team.description, "active": True},
        )
        uow.commit()
    return team


def add_team_member(db: Database, actor_id: int, team_id: int, agent_id: int) -> None:
    team_id = validation.clean_id("team", "team", team_id)
    agent_id = validation.clean_id("agent", "agent", agent_id)
    with db.write() as uow:
        actor = acting_agent(uow, actor_id, Permission.MANAGE_MEMBERS)
        team = uow.teams.get(team_id)
        agent = uow.agents.get(agent_id)
        if (team_id, agent_id) not in set(uow.teams.memberships()):
            uow.teams.add_member(team_id, agent_id)
            audit.record(
                uow,
                actor,
                "team.members",
                f"Added {agent.name} to the team {team.name}",
                entity_id=team_id,
                after={"added": agent.name},
            )
        uow.commit()


def create_category(
    db: Database,
    actor_id: int,
    name: str,
    *,
    parent_id: int | None = None,
    default_team_id: int | None = None,
    default_priority: Priority = Priority.NORMAL,
) -> Category:
    """A help topic; nested under `parent_id` if given."""
    name = validation.clean_text(
        "name", "The help topic's name", name, limit=validation.CATEGORY_NAME_MAX, required=True
    )
    parent_id = validation.clean_id("parent", "help topic", parent_id, optional=True)
    default_team_id = validation.clean_id("team", "team", default_team_id, optional=True)
    default_priority = validation.clean_choice("priority", "priority", Priority, default_priority)
    with db.write() as uow:
        actor = acting_agent(uow, actor_id, Permission.MANAGE_DESK)
        if parent_id is not None:
            uow.categories.get(parent_id)
        if default_team_id is not None:
            uow.teams.get(default_team_id)
        category = uow.categories.add(
            Category(None, name, parent_id, default_team_id, default_priority)
        )
        audit.record(
            uow,
            actor,
            "topic.create",
            f"Added the help topic {category.display_name}",
            entity_id=category.id,
            version=category.version,
            after={
                "name": category.name,
                "path": category.display_name,
                "default_team": uow.teams.get(default_team_id).name if default_team_id else None,
                "default_priority": category.default_priority.name.lower(),
            },
        )
        uow.commit()
    return category


def set_availability(
    db: Database,
    actor_id: int,
    availability: Availability,
    away_until: datetime | None = None,
) -> Agent:
    """The agent says whether they can take work (available, away, off shift); away
    `away_until` a moment (leave), after which routing counts them available again
    without anyone saying so."""
    actor_id = validation.clean_id("agent", "agent", actor_id)
    availability = validation.clean_choice(
        "availability", "availability", Availability, availability
    )
    away_until = validation.clean_moment("away_until", "Away until", away_until)
    if away_until is not None and availability != Availability.AWAY:
        raise ValidationError.single("away_until", "Only an agent who is away is away until.")
    with db.write() as uow:
        agent = uow.agents.get(actor_id)
        if away_until is not None and away_until <= uow.now():
            raise ValidationError.single("away_until", "Away until must be in the future.")
        updated = replace(agent, availability=availability, away_until=away_until)
        uow.agents.set_availability(updated)
        uow.commit()
    return updated


def set_capacity(db: Database, actor_id: int, agent_id: int, capacity: int | None) -> Agent:
    """The most open tickets routing gives `agent_id` (None: no limit); a supervisor's or
    an admin's call."""
    agent_id = validation.clean_id("agent", "agent", agent_id)
    if capacity is not None:
        capacity = validation.clean_count("capacity", "The capacity", capacity, high=10_000)
    with db.write() as uow:
        acting_agent(uow, actor_id, Permission.ASSIGN_OTHERS)
        uow.agents.get(agent_id)
        uow.agents.set_capacity(agent_id, capacity)
        updated = uow.agents.get(agent_id)
        uow.commit()
    return updated


__all__ = ["hash_password"]  # the demo hashes its one shared password through here
