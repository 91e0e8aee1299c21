"""A desk on a shared PostgreSQL server: `desk server-setup`, and each agent's own login.

Set-up runs once (and again for every upgrade) with an owner's or a superuser's URL. It
makes the desk's owner role, which owns the schema and which no workstation signs in as,
the agent / supervisor / admin groups, migrates as the owner, and installs the grants,
row rules and login functions (desk.store.server_roles). Afterwards each agent signs in
with their own login and password, checked by PostgreSQL (scram-sha-256).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import DBAPIError

from desk.domain import validation
from desk.domain.errors import BadDatabaseURL, PermissionDenied, ValidationError
from desk.domain.model import Agent, Role
from desk.domain.permissions import Permission
from desk.store import migrate
from desk.store.engine import create_desk_engine, parse_url, plain_error, without_time_limits
from desk.store.server_rights import install as install_rights
from desk.store.server_roles import (
    ServerRoles,
    as_owner,
    checked_prefix,
    prefix_for,
    prepare_roles,
    stored_prefix,
)
from desk.store.unit_of_work import SqlDatabase, SqlUnitOfWork

from .database import Database
from .directory import clean_password, create_first_admin
from .tickets import acting_agent


@dataclass(frozen=True, slots=True)
class SetupResult:
    """What `server_setup` did, in words for the command line."""

    roles: ServerRoles
    upgraded: bool
    first_admin: str | None

    def lines(self) -> list[str]:
        r = self.roles
        lines = [
            f"Owner role {r.owner} (no one signs in as it) owns the schema.",
            f"Groups: {', '.join(r.groups)} (and {r.inactive} for deactivated agents).",
            "Schema upgraded." if self.upgraded else "Schema was already current.",
            "Grants, row rules and login functions installed.",
        ]
        if self.first_admin:
            lines.append(f"The admin {self.first_admin} can sign in with their password.")
        return lines


def server_setup(
    url: str,
    prefix: str | None = None,
    *,
    admin_login: str | None = None,
    admin_name: str | None = None,
    admin_password: str | None = None,
) -> SetupResult:
    """Prepare (or upgrade) the desk at `url`, a PostgreSQL URL of a superuser or of the
    database's owner with CREATEROLE. Idempotent. With `admin_login`, the desk's first
    admin (or that admin again, with a new password) and their login.

    Raises BadDatabaseURL, DatabaseUnavailable, PermissionDenied or ValidationError.
    """
    parsed = parse_url(url)
    if parsed.get_backend_name() != "postgresql" or not parsed.database:
        raise BadDatabaseURL("server-setup prepares a PostgreSQL database: postgresql://…/db")
    typed = validation.storable("prefix", "The prefix", prefix).strip()
    try:
        prefix = checked_prefix(typed or prefix_for(parsed.database))
    except ValueError as exc:
        raise ValidationError.single("prefix", str(exc)) from None
    if admin_login is not None:
        admin_login = validation.storable("admin", "The admin's login", admin_login)
        admin_name = validation.storable("admin_name", "The admin's name", admin_name)
        admin_password = clean_password(admin_password)
    roles = ServerRoles(prefix)
    engine = create_desk_engine(parsed)
    owner_engine = as_owner(create_desk_engine(parsed), roles.owner)
    try:
        stored = stored_prefix(engine)
        if stored is not None and stored != prefix:
            raise PermissionDenied(
                f"This desk's roles are prefixed “{stored}”; run server-setup with "
                f"--prefix {stored}."
            )
        with engine.connect() as conn, conn.begin(), without_time_limits(conn):
            prepare_roles(conn, roles)
        upgraded = migrate.upgrade(owner_engine)
        with owner_engine.connect() as conn, conn.begin(), without_time_limits(conn):
            install_rights(conn, roles)
        if admin_login is not None:
            assert admin_password is not None
            _first_admin(SqlDatabase(owner_engine, parsed), admin_login, admin_name, admin_password)
    except DBAPIError as exc:
        raise _refused(exc, parsed) from exc
    finally:
        engine.dispose()
        owner_engine.dispose()
    return SetupResult(roles, upgraded, admin_login)


def _refused(exc: DBAPIError, parsed: Any) -> Exception:
    if getattr(exc.orig, "sqlstate", None) == "42501":
        return PermissionDenied(
            "server-setup needs a superuser, or the database's owner with CREATEROLE: "
            f"{str(exc.orig).splitlines()[0]}"
        )
    return plain_error(exc, parsed)


def _first_admin(db: SqlDatabase, login: str, name: str | None, password: str) -> None:
    with db.read() as uow:
        existing = uow.agents.by_login(login.strip().lower())
    if existing is None:
        existing = create_first_admin(db, login, name or login, password=None)
    elif existing.role != Role.ADMIN:
        raise PermissionDenied(f"{existing.login} is not an admin of this desk.")
    with db.write() as uow:
        uow.logins.create(existing.login, password)
        uow.commit()


# --- each agent's own login (the admin's screens call these on a server) -------------------
# Inside another service's unit of work (creating the agent and their login in one
# transaction) the same is `uow.logins.create(login, password)` etc.


def uses_server_logins(db: Database) -> bool:
    """Whether this desk gives each agent their own PostgreSQL login (set up by
    `desk server-setup`); False on SQLite and on a server desk without it."""
    with db.read() as uow:
        return uow.logins.enabled


def _managed(uow: SqlUnitOfWork, actor_id: int, agent_id: int) -> Agent:
    acting_agent(uow, actor_id, Permission.MANAGE_DESK)
    agent = uow.agents.get(validation.clean_id("agent", "agent", agent_id))
    if not uow.logins.enabled:
        raise PermissionDenied("This desk does not give agents their own server logins.")
    return agent


def create_agent_login(db: Database, actor_id: int, agent_id: int, password: str) -> None:
    """An admin gives an agent (their row added already) their own PostgreSQL login
    with `password`, in their role's group, enabled while they are active. The password
    becomes a SCRAM verifier here: the server never sees it. A login of the same name
    that another desk on the server uses is refused, not taken over."""
    password = clean_password(password)
    with db.write() as uow:
        agent = _managed(uow, actor_id, agent_id)
        uow.logins.create(agent.login, password)
        uow.commit()


def sync_agent_login(db: Database, actor_id: int, agent_id: int) -> None:
    """Put the agent's login in the group of their role, disabled while they are
    deactivated. A trigger on `agents` does this by itself whenever an admin changes a
    role or the active flag (in the same transaction); this is for repairs."""
    with db.write() as uow:
        agent = _managed(uow, actor_id, agent_id)
        uow.logins.sync(agent.login)
        uow.commit()


def set_agent_login_password(db: Database, actor_id: int, agent_id: int, password: str) -> None:
    """An admin's reset of an agent's server password (sign-in forces a change at the
    next sign-in)."""
    password = clean_password(password)
    with db.write() as uow:
        agent = _managed(uow, actor_id, agent_id)
        uow.logins.set_password(agent.login, password)
        uow.commit()


def change_own_login_password(db: Database, password: str) -> None:
    """The signed-in agent's new server password (their own login; no admin needed)."""
    password = clean_password(password)
    with db.write() as uow:
        if not uow.logins.enabled:
            raise PermissionDenied("This desk does not give agents their own server logins.")
        uow.logins.change_own_password(password)
        uow.commit()
