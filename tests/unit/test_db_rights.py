"""The database's rights table (desk.domain.db_rights) against the schema and the roles:
every table named, every column it names real, history append-only, and nothing that
changes who may do what writable without the admin's permission."""

from __future__ import annotations

import pytest

from desk.domain import db_rights
from desk.domain.model import Role
from desk.domain.permissions import Permission
from desk.store.schema import metadata

#: What only admins may change: roles, agents, plans, rules, settings.
ADMIN_ONLY = (
    "teams",
    "team_members",
    "categories",
    "business_calendars",
    "sla_plans",
    "topic_plans",
    "routing_rules",
)


def test_every_table_of_the_schema_has_its_rights_named():
    missing = set(metadata.tables) - set(db_rights.TABLES)
    assert not missing, f"name these tables in desk/domain/db_rights.py: {sorted(missing)}"


# (search_words and alembic_version, made outside the metadata, name no columns.)
@pytest.mark.parametrize("table", sorted(set(db_rights.TABLES) & set(metadata.tables)))
def test_the_columns_a_narrower_permission_updates_exist(table: str):
    for columns in db_rights.rights(table).update_columns.values():
        assert set(columns) <= set(metadata.tables[table].c.keys())


def test_history_is_append_only():
    for table in ("thread_entries", "manual_dues", "change_log"):
        assert db_rights.rights(table).append_only


@pytest.mark.parametrize("table", sorted(set(db_rights.TABLES) & set(metadata.tables)))
def test_the_computed_columns_exist(table: str):
    assert set(db_rights.rights(table).computed) <= set(metadata.tables[table].c.keys())


def test_a_tickets_clocks_are_computed_not_typed():
    """Every due time and breach stamp of the schema is left out of a login's own writes
    (a new clock column must be named too)."""
    clocks = {
        c.name
        for c in metadata.tables["tickets"].columns
        if c.name.endswith(("_due_at", "breached_at"))
    }
    assert clocks | {"due_at", "at_risk_at", "sla_plan_id"} <= set(
        db_rights.rights("tickets").computed
    )


@pytest.mark.parametrize("table", ADMIN_ONLY)
def test_the_desks_configuration_is_written_by_admins_only(table: str):
    rights = db_rights.rights(table)
    for permission in (rights.insert, rights.update, rights.delete):
        assert db_rights.roles_with(permission) in ((), (Role.ADMIN,))
    assert not rights.update_columns


def test_only_admins_change_an_agents_role_or_active_flag():
    rights = db_rights.rights("agents")
    assert db_rights.roles_with(rights.insert) == (Role.ADMIN,)
    assert db_rights.roles_with(rights.update) == (Role.ADMIN,)
    for columns in rights.update_columns.values():
        assert not {"role", "active", "login", "password_hash"} & set(columns)
    assert db_rights.roles_with(Permission.WORK_TICKETS) == tuple(Role)


def test_a_table_nobody_named_is_for_admins_to_write():
    rights = db_rights.rights("a_table_of_the_future")
    assert {db_rights.roles_with(p) for p in (rights.insert, rights.update, rights.delete)} == {
        (Role.ADMIN,)
    }
