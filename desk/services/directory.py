"""Agents, teams and help topics: the admin's side of the desk."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING

from desk.domain import validation
from desk.domain.errors import PermissionDenied, ValidationError
from desk.domain.model import Agent, Availability, Category, Priority, Role, Team
from desk.domain.permissions import Permission

from .database import Database

if TYPE_CHECKING:
    from argon2 import PasswordHasher
from .tickets import acting_agent

_LOGIN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
PASSWORD_MIN = 8
PASSWORD_MAX = 1_000


@cache
def _hasher() -> PasswordHasher:
    """Argon2id with the library's current recommended parameters (imported on first use:
    nothing at start-up needs it)."""
    from argon2 import PasswordHasher

    return PasswordHasher()


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
        acting_agent(uow, actor_id, Permission.MANAGE_DESK)
        created = uow.agents.add(Agent(None, login, name, email, role), stored, uow.now())
        assert created.id is not None
        for team_id in team_ids:
            uow.teams.get(team_id)
            uow.teams.add_member(team_id, created.id)
        uow.commit()
    return created


def create_team(db: Database, actor_id: int, name: str, description: str = "") -> Team:
    name = validation.clean_text(
        "name", "The team's name", name, limit=validation.TEAM_NAME_MAX, required=True
    )
    description = validation.clean_text("description", "The description", description, limit=400)
    with db.write() as uow:
        acting_agent(uow, actor_id, Permission.MANAGE_DESK)
        team = uow.teams.add(Team(None, name, description), uow.now())
        uow.commit()
    return team


def add_team_member(db: Database, actor_id: int, team_id: int, agent_id: int) -> None:
    team_id = validation.clean_id("team", "team", team_id)
    agent_id = validation.clean_id("agent", "agent", agent_id)
    with db.write() as uow:
        acting_agent(uow, actor_id, Permission.MANAGE_DESK)
        uow.teams.get(team_id)
        uow.agents.get(agent_id)
        uow.teams.add_member(team_id, agent_id)
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
        acting_agent(uow, actor_id, Permission.MANAGE_DESK)
        if parent_id is not None:
            uow.categories.get(parent_id)
        if default_team_id is not None:
            uow.teams.get(default_team_id)
        category = uow.categories.add(
            Category(None, name, parent_id, default_team_id, default_priority)
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


def sign_in(db: Database, login: str, password: str) -> Agent:
    """The agent whose login and password these are; one vague message for any mismatch."""
    refused = PermissionDenied("The login or password is not right.")
    login = validation.storable("login", "The login", login).strip().lower()
    password = validation.storable("password", "The password", password)
    with db.read() as uow:
        agent = uow.agents.by_login(login)
        stored = uow.agents.password_hash(agent.id) if agent and agent.id else None
    if agent is None or not agent.active or not stored:
        raise refused
    from argon2.exceptions import VerificationError

    try:
        _hasher().verify(stored, password)
    except VerificationError:
        raise refused from None
    return agent


def hash_password(password: str | None) -> str | None:
    password = validation.storable("password", "The password", password)
    return _hasher().hash(password) if password else None
