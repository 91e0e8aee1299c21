"""Bring a database to the schema this program knows, or refuse one that is newer.

Opening a database that is already current reads one row and never imports Alembic,
which costs a fifth of a second at start-up; Alembic comes in only to upgrade.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

from desk.domain.errors import DatabaseUnavailable, SchemaTooNew

from .engine import WRITE, without_time_limits

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).with_name("migrations")
#: The newest migration in migrations/versions (tests/integration/test_migrations.py checks).
HEAD = "0017"
_LOCK_KEY = 0x6465736B  # "desk": one migrating client at a time on a shared server


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


class SchemaState(StrEnum):
    """What a database holds, compared with the schema this program knows."""

    EMPTY = "empty"  # no Desk schema yet: Desk will create it
    OLDER = "older"  # an older Desk's schema: Desk will upgrade it
    CURRENT = "current"


def _checked_revision(conn: Connection, script: ScriptDirectory) -> str | None:
    """The database's revision (None: no Desk schema), or SchemaTooNew / DatabaseUnavailable
    for a database this program must not write to."""
    current = current_revision(conn)
    if current is not None and _unknown(script, current):
        raise SchemaTooNew(
            f"This database was upgraded by a newer version of Desk (schema {current}). "
            "Install the newer Desk to use it; this version will not write to it."
        )
    if current is None and inspect(conn).has_table("tickets"):
        raise DatabaseUnavailable(
            "This database already holds tables that are not Desk's. "
            "Choose an empty database or a Desk database."
        )
    return current


def schema_state(engine: Engine) -> SchemaState:
    """Look, without writing, at what the database holds; raises like `upgrade` would."""
    with engine.connect() as conn:
        if current_revision(conn) == HEAD:
            return SchemaState.CURRENT  # the common case, without importing Alembic
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    with engine.connect() as conn:
        current = _checked_revision(conn, script)
        conn.rollback()
    if current is None:
        return SchemaState.EMPTY
    return SchemaState.CURRENT if current == script.get_current_head() else SchemaState.OLDER


def upgrade(engine: Engine) -> bool:
    """Migrate to head in one transaction; True if anything was done.

    Raises SchemaTooNew, without writing, when a newer Desk has upgraded the database.
    """
    with engine.connect() as conn:
        if current_revision(conn) == HEAD:
            return False
    return _upgrade(engine)


def _upgrade(engine: Engine) -> bool:
    from alembic import command
    from alembic.script import ScriptDirectory

    config = alembic_config()
    script = ScriptDirectory.from_config(config)
    with (
        engine.connect().execution_options(**{WRITE: True}) as conn,
        conn.begin(),
        without_time_limits(conn),
    ):
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        # Checked again, now that this client holds the lock.
        if _checked_revision(conn, script) == script.get_current_head():
            return False
        _refuse_workstation_upgrade(conn)
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
        return True


def _refuse_workstation_upgrade(conn: Connection) -> None:
    """On a desk `desk server-setup` prepared, only the owner changes the schema: an
    agent's login, which may not, is told who can rather than "permission denied"."""
    from .server_roles import stored_roles

    if conn.dialect.name != "postgresql" or current_revision(conn) is None:
        return
    roles = stored_roles(conn)
    if roles is None:
        return
    me, superuser = conn.execute(
        text("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
    ).one()
    if me != roles.owner and not superuser:
        raise DatabaseUnavailable(
            "This desk's database is from an older version of Desk. An administrator "
            "upgrades it with: desk server-setup --db <the owner's or a superuser's URL>"
        )


def _unknown(script: ScriptDirectory, revision: str) -> bool:
    try:
        return script.get_revision(revision) is None
    except Exception:  # alembic raises several kinds for an id it has never seen
        return True
