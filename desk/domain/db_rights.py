"""What each role's PostgreSQL login may write, table by table: the database's side of
desk.domain.permissions. desk.store.server_roles generates the grants from this table,
so that a psql session with an agent's own login can do no more than Desk lets them.

Every group may read every table (the desk is shared), except secret columns. Writes are
granted to the groups whose role holds the permission named here; history tables take
inserts only. A table missing here is read-only for everyone but admins (and
tests/integration/test_server_rights.py fails until it is named).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Role
from .permissions import ROLE_PERMISSIONS, Permission

W = Permission.WORK_TICKETS
S = Permission.ASSIGN_OTHERS
M = Permission.MANAGE_DESK


@dataclass(frozen=True, slots=True)
class TableRights:
    """The permission each kind of write needs (None: no workstation login may)."""

    insert: Permission | None = None
    update: Permission | None = None
    delete: Permission | None = None
    #: Columns a narrower permission may update (the rest need `update`).
    update_columns: dict[Permission, tuple[str, ...]] = field(default_factory=dict)
    #: Columns the program computes (due times, SLA stamps): `update` and `insert` leave
    #: them out, and only the desk's own functions write them (desk.store.server_rights).
    computed: tuple[str, ...] = ()

    @property
    def append_only(self) -> bool:
        nothing_changes = self.update is None and self.delete is None and not self.update_columns
        return self.insert is not None and nothing_changes


#: What the program computes on a ticket and no one types: the SLA clocks' due times, the
#: plan they follow, the recompute's epoch and the sweep's breach stamps.
TICKET_CLOCKS = (
    "due_at",
    "sla_plan_id",
    "sla_epoch",
    "first_response_due_at",
    "resolution_due_at",
    "at_risk_at",
    "first_response_breached_at",
    "resolution_breached_at",
)

#: Desk's directory and configuration: admins only.
_ADMIN_TABLE = TableRights(insert=M, update=M, delete=M)

TABLES: dict[str, TableRights] = {
    "agents": TableRights(
        insert=M,
        update=M,
        # Agents say whether they are available, and change their own password (their own
        # row only: a trigger); supervisors set routing capacity.
        update_columns={
            W: ("availability", "away_until", "must_change_password", "password_changed_at"),
            S: ("capacity",),
        },
    ),
    # Kept sign-ins are a local desk's (never offered on a server): admins end them.
    "sign_in_tokens": _ADMIN_TABLE,
    "teams": _ADMIN_TABLE,
    "team_members": _ADMIN_TABLE,
    "categories": _ADMIN_TABLE,
    "business_calendars": _ADMIN_TABLE,
    "sla_plans": _ADMIN_TABLE,
    "topic_plans": _ADMIN_TABLE,
    "routing_rules": _ADMIN_TABLE,
    # Each saved version of a calendar or plan: appended by admins, never rewritten.
    "business_calendar_versions": TableRights(insert=M),
    "sla_plan_versions": TableRights(insert=M),
    # Every admin change, and a supervisor's change of a team's members: appended only.
    "audit_log": TableRights(insert=Permission.MANAGE_MEMBERS),
    # Admins change settings; any agent's first run stores the desk's phone country if
    # the desk has none yet (a row policy allows only that key).
    "desk_settings": TableRights(insert=W, update=M, delete=M),
    "customers": TableRights(insert=W, update=W),
    "customer_terms": TableRights(insert=W, update=W, delete=W),
    # Who may take whose ticket is decided per row, by a trigger (desk.store.server_rights).
    # The clocks are the program's: written through functions that check who calls them.
    "tickets": TableRights(insert=W, update=W, computed=TICKET_CLOCKS),
    # History: appended, never rewritten.
    "thread_entries": TableRights(insert=W),
    "manual_dues": TableRights(insert=S),
    # Kept by every client as it works: the change feed, presence, the sweep's lease,
    # routing's round-robin cursor, the search's word list, notices (read: own rows).
    # The change log is appended; old rows go only through desk_prune_change_log, which
    # keeps the last day whatever a client asks. Presence rows are each agent's own (a
    # FORCEd row policy); a crashed client's go through desk_prune_presence.
    "change_log": TableRights(insert=W),
    "presence": TableRights(insert=W, update=W, delete=W),
    "housekeeping_leases": TableRights(insert=W, update=W),
    "routing_cursors": TableRights(insert=W, update=W),
    "search_words": TableRights(insert=W),
    "notifications": TableRights(insert=W, update_columns={W: ("read_at",)}),
    # What the reports count of each ticket, rewritten with its clocks by every change.
    "report_facts": TableRights(insert=W, update=W, delete=W),
    "report_spans": TableRights(insert=W, update=W, delete=W),
    "alembic_version": TableRights(),
}

#: What a table nobody has named yet gets: read by all, written by admins.
UNKNOWN_TABLE = _ADMIN_TABLE

#: Columns no workstation login may read, in any table: password and token hashes.
SECRET_SUFFIX = "_hash"


def rights(table: str) -> TableRights:
    return TABLES.get(table, UNKNOWN_TABLE)


def roles_with(permission: Permission | None) -> tuple[Role, ...]:
    """The roles whose logins get a write that needs `permission`."""
    if permission is None:
        return ()
    return tuple(role for role in Role if permission in ROLE_PERMISSIONS[role])
