"""A desk on a shared PostgreSQL server that guards itself: its owner role and the agent /
supervisor / admin group roles, made by `desk server-setup` (the grants, row rules and
login functions are desk.store.server_rights; each agent's login, server_logins).

Role names are cluster-wide, so they carry the desk's prefix (two desks can share a
server); everything else (functions, triggers, policies) lives in the desk's database.
Each agent signs in with their own login, named as `agents.login`, a member of one group.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, event, text

from desk.domain import db_rights
from desk.domain.model import Role
from desk.domain.permissions import Permission

#: The desk setting that says the desk was set up for per-agent logins, and how its roles
#: are named.
PREFIX_SETTING = "server_role_prefix"
PREFIX_MAX = 40
_PREFIX = re.compile(rf"^[a-z][a-z0-9_]{{0,{PREFIX_MAX - 1}}}$")


def prefix_for(database: str) -> str:
    """A role prefix from a database's name: "Help Desk" -> "help_desk"."""
    cleaned = re.sub(r"[^a-z0-9_]+", "_", database.lower()).strip("_")
    if not cleaned or not cleaned[0].isalpha():
        cleaned = f"desk_{cleaned}"
    return cleaned[:PREFIX_MAX].rstrip("_")


def checked_prefix(prefix: str) -> str:
    if not _PREFIX.match(prefix):
        raise ValueError(
            f"“{prefix}” cannot prefix role names: use lower-case letters, digits and "
            f"underscores, starting with a letter, at most {PREFIX_MAX} characters."
        )
    return prefix


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True, slots=True)
class ServerRoles:
    """The names of one desk's roles."""

    prefix: str

    @property
    def owner(self) -> str:
        return f"{self.prefix}_owner"

    def group(self, role: Role) -> str:
        return f"{self.prefix}_{role.value}"

    @property
    def inactive(self) -> str:
        """Deactivated agents' logins: in no working group, so no rights and no CONNECT."""
        return f"{self.prefix}_inactive"

    @property
    def groups(self) -> tuple[str, ...]:
        return tuple(self.group(role) for role in Role)

    def groups_with(self, permission: Permission | None) -> tuple[str, ...]:
        return tuple(self.group(role) for role in db_rights.roles_with(permission))


def names(roles: Iterable[str]) -> str:
    """Quoted names (roles, columns), comma-separated, for GRANT and CREATE POLICY."""
    return ", ".join(quoted(name) for name in roles)


def _exists(conn: Connection, role: str) -> bool:
    found = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role})
    return found.first() is not None


def _is_superuser(conn: Connection) -> bool:
    return bool(
        conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar()
    )


def prepare_roles(conn: Connection, roles: ServerRoles) -> None:
    """As the setup user (a superuser, or the database's owner with CREATEROLE): the roles,
    the database's and schema's rights, and every existing object handed to the owner.
    Idempotent."""
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    for role, options in (
        (roles.owner, "NOLOGIN CREATEROLE"),
        *((group, "NOLOGIN") for group in (*roles.groups, roles.inactive)),
    ):
        verb = "ALTER" if _exists(conn, role) else "CREATE"
        conn.execute(text(f"{verb} ROLE {quoted(role)} {options}"))
    superuser = _is_superuser(conn)
    if not superuser:  # to SET ROLE to the owner for the migrations
        conn.execute(text(f"GRANT {quoted(roles.owner)} TO current_user"))
    # PostgreSQL 16 lets a CREATEROLE role grant only the groups it administers.
    for group in (*roles.groups, roles.inactive):
        conn.execute(text(f"GRANT {quoted(group)} TO {quoted(roles.owner)} WITH ADMIN OPTION"))
    if superuser:  # deactivation ends the agent's open sessions too
        conn.execute(text(f"GRANT pg_signal_backend TO {quoted(roles.owner)}"))
    db = quoted(database)
    conn.execute(text(f"REVOKE ALL ON DATABASE {db} FROM PUBLIC"))
    conn.execute(text(f"GRANT CONNECT, TEMPORARY ON DATABASE {db} TO {quoted(roles.owner)}"))
    conn.execute(text(f"GRANT CONNECT ON DATABASE {db} TO {names(roles.groups)}"))
    conn.execute(text(f"ALTER SCHEMA public OWNER TO {quoted(roles.owner)}"))
    conn.execute(text("REVOKE ALL ON SCHEMA public FROM PUBLIC"))
    _hand_over(conn, roles.owner)


def _hand_over(conn: Connection, owner: str) -> None:
    """Tables, views, sequences and functions made before (by whoever migrated the desk
    until now) become the owner's."""
    kinds = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW", "S": "SEQUENCE"}
    rows = conn.execute(
        text(
            "SELECT c.relname, c.relkind FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')"
            " AND pg_get_userbyid(c.relowner) <> :owner"
            # A sequence owned by a column goes with its table.
            " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid"
            " AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i'))"
        ),
        {"owner": owner},
    )
    for name, kind in rows:
        conn.execute(text(f"ALTER {kinds[kind]} public.{quoted(name)} OWNER TO {quoted(owner)}"))
    functions = conn.execute(
        text(
            "SELECT p.oid::regprocedure::text FROM pg_proc p"
            " JOIN pg_namespace n ON n.oid = p.pronamespace"
            " WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> :owner"
        ),
        {"owner": owner},
    )
    for (signature,) in functions:
        conn.execute(text(f"ALTER FUNCTION {signature} OWNER TO {quoted(owner)}"))


def stored_roles(conn: Connection) -> ServerRoles | None:
    """The desk's roles if `desk server-setup` prepared it (PostgreSQL only)."""
    if conn.dialect.name != "postgresql":
        return None
    prefix = conn.execute(
        text("SELECT value FROM desk_settings WHERE key = :k"), {"k": PREFIX_SETTING}
    ).scalar()
    return ServerRoles(prefix) if prefix else None


_GUARDED = "desk_guarded"


def guarded(conn: Connection) -> bool:
    """Whether the program's own columns (the clocks, breach stamps, escalations) and the
    change log's and presence's pruning go through the desk's functions: a desk that
    `desk server-setup` prepared. Asked once per pooled connection; SQLite never."""
    if conn.dialect.name != "postgresql":
        return False
    info = conn.info
    if _GUARDED not in info:
        info[_GUARDED] = stored_roles(conn) is not None
    return bool(info[_GUARDED])


def stored_prefix(engine: Engine) -> str | None:
    """The prefix a desk was set up with, before anything is migrated (None: not yet)."""
    with engine.connect() as conn:
        if conn.execute(text("SELECT to_regclass('public.desk_settings')")).scalar() is None:
            return None
        roles = stored_roles(conn)
        return roles.prefix if roles else None


def as_owner(engine: Engine, owner: str) -> Engine:
    """Every connection of `engine` works as the owner role (SET ROLE, kept for the
    session), so that what the migrations create is the owner's."""

    @event.listens_for(engine, "connect")
    def set_role(dbapi_connection: Any, _record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET ROLE {quoted(owner)}")
        dbapi_connection.commit()

    return engine
