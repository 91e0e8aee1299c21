"""The tables, as SQLAlchemy Core metadata. The Alembic migrations build exactly this.

Tickets carry a few denormalised columns (the customer's, team's and assignee's names,
`is_active`) so that a queue page is one index walk over one table at a million tickets,
whatever column it is sorted by. The repositories keep them in step with their sources.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Identity,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    false,
    true,
)

from desk.domain import validation as v
from desk.domain.model import Availability, Channel, Level, Priority, Role
from desk.domain.presence import Activity
from desk.domain.routing_terms import NAME_MAX as RULE_NAME_MAX
from desk.domain.routing_terms import Strategy
from desk.domain.thread import EntryKind, EventType

from .types import IntEnumType, StatusType, StrEnumType, UTCDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# Prefix searches compare byte-wise, whatever the server's default collation.
SearchTerm = String(120).with_variant(String(120, collation="C"), "postgresql")


def _id() -> Column[int]:
    return Column("id", Integer, Identity(), primary_key=True)


teams = Table(
    "teams",
    metadata,
    _id(),
    Column("name", String(v.TEAM_NAME_MAX), nullable=False, unique=True),
    Column("description", String(400), nullable=False, server_default=""),
    Column("created_at", UTCDateTime, nullable=False),
    # How a ticket transferred into the team is assigned (None: it waits in the queue).
    Column("auto_assign", StrEnumType(Strategy, 24)),
    # A deactivated team takes no new tickets; its queue stays for the ones it has.
    Column("active", Boolean, nullable=False, server_default=true()),
    Column("version", Integer, nullable=False, server_default="1"),  # counts admin edits
)

agents = Table(
    "agents",
    metadata,
    _id(),
    Column("login", String(v.LOGIN_MAX), nullable=False, unique=True),
    Column("name", String(v.NAME_MAX), nullable=False),
    Column("email", String(v.EMAIL_MAX)),
    Column("role", StrEnumType(Role), nullable=False),
    Column("availability", StrEnumType(Availability), nullable=False),
    Column("active", Boolean, nullable=False, server_default=true()),
    Column("password_hash", String(200)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("capacity", Integer),  # most open tickets routing gives them; None: no limit
    Column("away_until", UTCDateTime),  # away until then, available again afterwards
    Column("version", Integer, nullable=False, server_default="1"),  # counts admin edits
    # Signing in (desk.domain.sign_in): an admin's reset makes the next sign-in change the
    # password first; recent wrong passwords slow the login down and then lock it, here
    # in the database so that every workstation sees the same lock.
    Column("must_change_password", Boolean, nullable=False, server_default=false()),
    Column("password_changed_at", UTCDateTime),
    Column("failed_sign_ins", Integer, nullable=False, server_default="0"),
    Column("last_failed_sign_in_at", UTCDateTime),
    Column("locked_until", UTCDateTime),
)

# "Keep me signed in on this computer": the token itself is in that computer's credential
# store; only its SHA-256 is here (a random 256-bit token needs no slow hash).
sign_in_tokens = Table(
    "sign_in_tokens",
    metadata,
    _id(),
    Column("agent_id", ForeignKey("agents.id", ondelete="CASCADE"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_used_at", UTCDateTime, nullable=False),
    Column("workstation", String(200), nullable=False, server_default=""),
    Index(None, "agent_id"),
)

team_members = Table(
    "team_members",
    metadata,
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    Column("agent_id", ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True),
    Index(None, "agent_id"),
)

categories = Table(
    "categories",
    metadata,
    _id(),
    Column("name", String(v.CATEGORY_NAME_MAX), nullable=False),
    Column("parent_id", ForeignKey("categories.id")),
    Column("default_team_id", ForeignKey("teams.id")),
    Column("default_priority", IntEnumType(Priority), nullable=False),
    Column("active", Boolean, nullable=False, server_default=true()),
    Column("position", Integer, nullable=False, server_default="0"),  # among its siblings
    Column("description", String(400), nullable=False, server_default=""),
    Column("version", Integer, nullable=False, server_default="1"),  # counts admin edits
)

customers = Table(
    "customers",
    metadata,
    _id(),
    Column("name", String(v.NAME_MAX), nullable=False),
    Column("email", String(v.EMAIL_MAX), unique=True),
    Column("phone", String(20), index=True),
    Column("organisation", String(v.ORGANISATION_MAX), nullable=False, server_default=""),
    Column("created_at", UTCDateTime, nullable=False),
)

# Words of a customer's name and organisation, their email and phone digits: caller
# lookup as you type is a range scan on (term), whichever of them the agent types.
customer_terms = Table(
    "customer_terms",
    metadata,
    Column("term", SearchTerm, primary_key=True),
    Column("customer_id", ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True),
    Index(None, "customer_id"),
)

# Business-hours calendars and SLA plans (desk.domain.calendars, desk.domain.sla), their
# definitions as JSON (desk.store.sla_codec); `version` goes up with every edit.
business_calendars = Table(
    "business_calendars",
    metadata,
    _id(),
    Column("name", String(v.CALENDAR_NAME_MAX), nullable=False, unique=True),
    Column("zone", String(64), nullable=False),
    Column("week", JSON, nullable=False),
    Column("holidays", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", ForeignKey("agents.id")),
)

sla_plans = Table(
    "sla_plans",
    metadata,
    _id(),
    Column("name", String(v.CALENDAR_NAME_MAX), nullable=False, unique=True),
    Column("calendar_id", ForeignKey("business_calendars.id")),
    Column("targets", JSON, nullable=False),
    Column("at_risk_percent", SmallInteger),
    Column("pause", JSON, nullable=False),
    Column("escalations", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", ForeignKey("agents.id")),
)

# Every version of each calendar and plan as it was saved, from when it was in force: a
# ticket's due times count the business time before an edit in the calendar of then.
business_calendar_versions = Table(
    "business_calendar_versions",
    metadata,
    Column(
        "calendar_id",
        ForeignKey("business_calendars.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("version", Integer, primary_key=True),
    Column("name", String(v.CALENDAR_NAME_MAX), nullable=False),
    Column("zone", String(64), nullable=False),
    Column("week", JSON, nullable=False),
    Column("holidays", JSON, nullable=False),
    Column("saved_at", UTCDateTime, nullable=False),
    Column("saved_by", ForeignKey("agents.id")),
)

sla_plan_versions = Table(
    "sla_plan_versions",
    metadata,
    Column("plan_id", ForeignKey("sla_plans.id", ondelete="CASCADE"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("name", String(v.CALENDAR_NAME_MAX), nullable=False),
    Column("calendar_id", Integer),  # as the plan had it then (the calendar may be gone)
    Column("targets", JSON, nullable=False),
    Column("at_risk_percent", SmallInteger),
    Column("pause", JSON, nullable=False),
    Column("escalations", JSON, nullable=False),
    Column("saved_at", UTCDateTime, nullable=False),
    Column("saved_by", ForeignKey("agents.id")),
)

# Which plan a help topic's tickets are under (its sub-topics inherit it).
topic_plans = Table(
    "topic_plans",
    metadata,
    Column("category_id", ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True),
    Column("plan_id", ForeignKey("sla_plans.id", ondelete="CASCADE"), nullable=False),
)

tickets = Table(
    "tickets",
    metadata,
    _id(),
    Column("subject", String(v.SUBJECT_MAX), nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    Column("customer_id", ForeignKey("customers.id"), nullable=False),
    Column("customer_name", String(v.NAME_MAX), nullable=False),
    Column("channel", StrEnumType(Channel), nullable=False),
    Column("category_id", ForeignKey("categories.id")),
    Column("team_id", ForeignKey("teams.id")),
    Column("team_name", String(v.TEAM_NAME_MAX)),
    Column("assignee_id", ForeignKey("agents.id")),
    Column("assignee_name", String(v.NAME_MAX)),
    Column("status", StatusType, nullable=False),
    Column("is_active", Boolean, nullable=False),
    Column("impact", IntEnumType(Level), nullable=False),
    Column("urgency", IntEnumType(Level), nullable=False),
    Column("priority", IntEnumType(Priority), nullable=False),
    Column("priority_overridden", Boolean, nullable=False),
    Column("asset", String(v.ASSET_MAX), nullable=False, server_default=""),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", ForeignKey("agents.id")),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", ForeignKey("agents.id")),
    Column("first_responded_at", UTCDateTime),
    Column("resolved_at", UTCDateTime),
    Column("closed_at", UTCDateTime),
    Column("due_at", UTCDateTime),
    # The SLA clocks (issue 13), written by desk.services.clocks with every ticket change:
    # each clock's due time while it runs (None while paused, stopped or met), the earliest
    # of them in `due_at`, the earliest "at risk" instant, and the breach a sweep recorded.
    Column("sla_plan_id", Integer),  # no foreign key: SQLite adds none to a table in place
    Column("sla_epoch", Integer, nullable=False, server_default="0"),
    Column("first_response_due_at", UTCDateTime),
    Column("resolution_due_at", UTCDateTime),
    Column("at_risk_at", UTCDateTime),
    Column("first_response_breached_at", UTCDateTime),
    Column("resolution_breached_at", UTCDateTime),
    Column("resolution_note", Text, nullable=False, server_default=""),
    Column("csat", SmallInteger),
    Column("reopen_count", Integer, nullable=False, server_default="0"),
    Column("call_seconds", Integer),
    Column("version", Integer, nullable=False),
    # Queues: filter columns first, then the default sort (last updated) and the tie-breaker.
    Index("ix_tickets_active_updated", "is_active", "updated_at", "id"),
    Index("ix_tickets_team_active_updated", "team_id", "is_active", "updated_at", "id"),
    Index("ix_tickets_assignee_active_updated", "assignee_id", "is_active", "updated_at", "id"),
    Index("ix_tickets_status_updated", "status", "updated_at", "id"),
    Index("ix_tickets_active_due", "is_active", "due_at", "id"),
    Index("ix_tickets_active_at_risk", "is_active", "at_risk_at", "id"),
    # The sweep's walks: running clocks past due, and tickets a plan edit left behind.
    Index("ix_tickets_active_first_response_due", "is_active", "first_response_due_at", "id"),
    Index("ix_tickets_active_resolution_due", "is_active", "resolution_due_at", "id"),
    Index("ix_tickets_active_sla_epoch", "is_active", "sla_epoch", "id"),
    Index("ix_tickets_status_resolved", "status", "resolved_at", "id"),
    Index("ix_tickets_customer", "customer_id", "id"),
    # One per sortable column: a click on a header is an index walk, not a sort.
    Index("ix_tickets_sort_subject", "subject", "id"),
    Index("ix_tickets_sort_customer", "customer_name", "id"),
    Index("ix_tickets_sort_priority", "priority", "id"),
    Index("ix_tickets_sort_status", "status", "id"),
    Index("ix_tickets_sort_team", "team_name", "id"),
    Index("ix_tickets_sort_assignee", "assignee_name", "id"),
    Index("ix_tickets_sort_channel", "channel", "id"),
    Index("ix_tickets_sort_created", "created_at", "id"),
    Index("ix_tickets_sort_updated", "updated_at", "id"),
    Index("ix_tickets_sort_due", "due_at", "id"),
    # The dashboard's counts, each from an index alone (desk/store/dashboard.py).
    Index(
        "ix_tickets_dashboard_open", "is_active", "team_id", "assignee_id", "status", "created_at"
    ),
    Index("ix_tickets_dashboard_due", "is_active", "due_at", "team_id", "assignee_id"),
    Index(
        "ix_tickets_dashboard_risk", "is_active", "at_risk_at", "due_at", "team_id", "assignee_id"
    ),
    sqlite_autoincrement=True,  # a deleted ticket's number is never given to another
    # On PostgreSQL the table keeps a tenth of each page free (fillfactor 90), so that the
    # sweep's breach stamps, which touch no indexed column, are HOT updates: migration 0017
    # sets it and says why 90. Not written here as postgresql_with: SQLAlchemy would load
    # its PostgreSQL dialect to check the argument, 60-80 ms of every start, SQLite's too.
)

thread_entries = Table(
    "thread_entries",
    metadata,
    _id(),
    Column("ticket_id", ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False),
    Column("kind", StrEnumType(EntryKind), nullable=False),
    Column("agent_id", ForeignKey("agents.id")),
    Column("author_name", String(v.NAME_MAX), nullable=False),
    Column("body", Text, nullable=False, server_default=""),
    Column("event", StrEnumType(EventType, 32)),
    Column("data", JSON),
    Column("created_at", UTCDateTime, nullable=False),
    Column("ticket_version", Integer, nullable=False),
    Index("ix_thread_entries_ticket", "ticket_id", "id"),
    Index("ix_thread_entries_agent", "agent_id", "created_at"),  # an agent's last activity
)

# Desk-wide settings, one row a key: the desk's own random id (what drafts and other
# per-desk memory on an agent's computer are filed under, whatever URL reaches it), the
# default country for phone numbers, and what later features add.
desk_settings = Table(
    "desk_settings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# What each committed write changed (desk.domain.changes.Changes as compact JSON), in
# commit order: other clients read what they missed after the last id they saw. Ids are
# never reused (AUTOINCREMENT on SQLite), so pruning the oldest rows cannot confuse them.
change_log = Table(
    "change_log",
    metadata,
    _id(),
    Column("created_at", UTCDateTime, nullable=False),
    Column("client_id", String(32), nullable=False),
    Column("changes", Text, nullable=False),
    sqlite_autoincrement=True,
)

# Who is on which ticket, one row per client and ticket, renewed by heartbeats; rows
# whose heartbeat is older than desk.domain.presence.EXPIRY are ignored, then pruned.
presence = Table(
    "presence",
    metadata,
    Column("client_id", String(32), primary_key=True),
    Column("ticket_id", ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True),
    Column("agent_id", ForeignKey("agents.id", ondelete="CASCADE"), nullable=False),
    Column("activity", StrEnumType(Activity), nullable=False),
    Column("heartbeat_at", UTCDateTime, nullable=False),
    Index(None, "ticket_id"),
)

# Due times set by hand, newest last: a recompute replays them (desk.domain.sla_history.
# ManualDue); a row with `due` None gives the clock back to the plan.
manual_dues = Table(
    "manual_dues",
    metadata,
    _id(),
    Column("ticket_id", ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False),
    Column("clock", String(16), nullable=False),
    Column("set_at", UTCDateTime, nullable=False),
    Column("due", UTCDateTime),
    Column("set_by", ForeignKey("agents.id")),
    Index("ix_manual_dues_ticket", "ticket_id", "id"),
)

# In-app notices (a breach), newest first per agent; unread ones have no `read_at`.
notifications = Table(
    "notifications",
    metadata,
    _id(),
    Column("agent_id", ForeignKey("agents.id", ondelete="CASCADE"), nullable=False),
    Column("ticket_id", ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("data", JSON),
    Column("created_at", UTCDateTime, nullable=False),
    Column("read_at", UTCDateTime),
    Index("ix_notifications_agent_read", "agent_id", "read_at", "id"),
    Index(None, "ticket_id"),
)

# Who runs the housekeeping sweep: one row per lease, held by a client until `expires_at`
# (SQLite; PostgreSQL sweepers take an advisory lock as well).
housekeeping_leases = Table(
    "housekeeping_leases",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("holder", String(32), nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("last_sweep_at", UTCDateTime),
)

# The admin's routing rules, walked in `position` order; the body is the rule as
# desk.domain.routing_json writes it (versioned by its "format"), `version` counts edits.
routing_rules = Table(
    "routing_rules",
    metadata,
    _id(),
    Column("position", Integer, nullable=False),
    Column("name", String(RULE_NAME_MAX), nullable=False),
    Column("body", JSON, nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", ForeignKey("agents.id")),
    Index(None, "position"),
)

# One row per team that routing has assigned into: the agent round-robin gave the last
# ticket to. Locked (FOR UPDATE) while a ticket is routed into the team, so that the
# cursor and the members' loads are read and written by one intake at a time.
routing_cursors = Table(
    "routing_cursors",
    metadata,
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    Column("last_agent_id", Integer),
)

# Every admin change (an agent added, a team renamed, a setting, an SLA plan, a routing
# rule), written in the same transaction as the change: who, when, what, the record's
# version after it, and the record before and after as JSON. Never updated or deleted.
audit_log = Table(
    "audit_log",
    metadata,
    _id(),
    Column("created_at", UTCDateTime, nullable=False),
    Column("actor_id", ForeignKey("agents.id")),
    Column("actor_name", String(v.NAME_MAX), nullable=False),
    Column("kind", String(40), nullable=False),  # "agent.deactivate", "team.rename", ...
    Column("entity", String(24), nullable=False),  # "agent", "team", "topic", "settings", ...
    Column("entity_id", Integer),
    Column("entity_version", Integer),
    Column("summary", String(400), nullable=False),
    Column("before", JSON),
    Column("after", JSON),
    Index("ix_audit_log_actor", "actor_id", "id"),
    Index("ix_audit_log_kind", "kind", "id"),
    Index("ix_audit_log_entity", "entity", "entity_id", "id"),
    Index("ix_audit_log_created", "created_at", "id"),
    sqlite_autoincrement=True,
)

# What the reports count of each ticket (desk.domain.report_facts), written with its SLA
# clocks whenever it changes: a year's report scans these narrow rows by day instead of
# replaying a million threads. Days are local dates in the desk's report zone (ordinals);
# durations whole seconds with pending time left out.
report_facts = Table(
    "report_facts",
    metadata,
    Column("ticket_id", ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True),
    Column("created_day", Integer, nullable=False),
    Column("team_id", Integer),
    Column("assignee_id", Integer),
    Column("category_id", Integer),
    Column("channel", StrEnumType(Channel), nullable=False),
    Column("organisation", String(v.ORGANISATION_MAX), nullable=False, server_default=""),
    Column("reopen_count", Integer, nullable=False, server_default="0"),
    Column("csat", SmallInteger),
    Column("first_response_day", Integer),
    Column("first_response_business", Integer),
    Column("first_response_calendar", Integer),
    Column("first_response_within", Boolean),
    Column("resolved_day", Integer),
    Column("resolution_business", Integer),
    Column("resolution_calendar", Integer),
    Column("resolution_within", Boolean),
    # Each report walks one of these by day, reading only the index (SQLite's covering
    # indexes).
    Index("ix_report_facts_created", "created_day", "channel", "category_id", "team_id"),
    Index(
        "ix_report_facts_first_response",
        "first_response_day",
        "assignee_id",
        "team_id",
        "first_response_business",
        "first_response_calendar",
        "first_response_within",
    ),
    Index(
        "ix_report_facts_resolved",
        "resolved_day",
        "assignee_id",
        "team_id",
        "resolution_business",
        "resolution_calendar",
        "resolution_within",
        "csat",
        "reopen_count",
    ),
)

# Each ticket's spans out of resolved and closed: from its creation (n = 0) or a reopen
# to the resolution that ended it (None while it is open). Resolutions and reopens per
# day, and the backlog at the end of each day, are counted from them.
report_spans = Table(
    "report_spans",
    metadata,
    Column("ticket_id", ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True),
    Column("n", Integer, primary_key=True),
    Column("opened_day", Integer, nullable=False),
    Column("resolved_day", Integer),
    Column("team_id", Integer),
    Column("assignee_id", Integer),
    Column("category_id", Integer),
    Column("channel", StrEnumType(Channel), nullable=False),
    Column("organisation", String(v.ORGANISATION_MAX), nullable=False, server_default=""),
    Index("ix_report_spans_opened", "opened_day", "assignee_id", "team_id"),
    Index("ix_report_spans_resolved", "resolved_day", "opened_day", "assignee_id", "team_id"),
)
