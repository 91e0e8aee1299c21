"""Every write method of a repository records what it changed; reads record nothing.

A new public method on a repository must be named below as a read or a recorded write
(and, if a write, overridden in desk/store/recording.py), so that no write can leave
other agents' views stale without a test saying so.
"""

from __future__ import annotations

import inspect

import pytest

from desk.store import recording, recording_routing
from desk.store.audit import AuditRepository
from desk.store.credentials import CredentialRepository
from desk.store.directory import (
    AgentRepository,
    CategoryRepository,
    CustomerRepository,
    TeamRepository,
)
from desk.store.housekeeping import NotificationRepository
from desk.store.reports import ReportRepository
from desk.store.routing import RoutingRepository
from desk.store.settings import DeskSettingsRepository
from desk.store.sla import SlaRepository
from desk.store.tickets import TicketRepository

READS = {
    TicketRepository: {"thread", "conflict", "count"},
    # Locking the table changes nothing anyone reads.
    AgentRepository: {
        "get",
        "maybe",
        "by_login",
        "all",
        "count",
        "password_hash",
        "team_ids",
        "lock_for_first_admin",
        "open_ticket_ids",
        "open_ticket_counts",
        "stale_ticket_names",
    },
    TeamRepository: {
        "get",
        "maybe",
        "all",
        "memberships",
        "ticket_id_range",
        "stale_ticket_names",
        "open_ticket_counts",
    },
    AuditRepository: {"page", "kinds", "changes_since"},
    CredentialRepository: {
        "by_login",
        "for_agent",
        "current_user",
        "token",
        "tokens",
        "count_tokens",
    },
    CategoryRepository: {"all", "get", "maybe"},
    CustomerRepository: {"get", "by_email", "by_phone", "lookup"},
    DeskSettingsRepository: {"get", "get_many"},
    SlaRepository: {
        "calendars",
        "calendar",
        "plans",
        "plan",
        "plan_calendar_versions",
        "calendar_versions",
        "plan_versions",
        "topic_plans",
        "clock_entries",
        "clock_tickets",
        "manual_dues",
        "tickets",
        "stored_clocks",
        "behind",
        "count_behind",
        "past_due",
        "resolved_before",
        "dues",
    },
    NotificationRepository: {"for_agent", "unread_count", "supervisors_of"},
    RoutingRepository: {
        "rules",
        "enabled_rules",
        "enabled_rule_set",
        "rule",
        "team_states",
        "agent_states",
        "topics",
        "recent_facts",
        "recent_tickets",
        "lock_agents",
    },
    ReportRepository: {
        "organisations",
        "first_responses",
        "missing",
        "count_missing",
        "interrupter",
        "unlimited",
        "created",
        "resolved",
        "reopened",
        "backlog",
        "percentiles",
        "compliance",
        "resolved_summary",
        "tickets_for",
        "ticket_rows",
        "count_rows",
    },
}
WRITES = {
    # `get` is overridden to remember what a save moves the ticket away from;
    # `append` writes through `append_history`.
    TicketRepository: {"get", "add", "save", "touch", "append_history"},
    AgentRepository: {
        "add",
        "set_availability",
        "set_capacity",
        "update",
        "set_teams",
        "rename_on_tickets",
    },
    TeamRepository: {"add", "add_member", "remove_member", "update", "rename_on_tickets"},
    CategoryRepository: {"add", "update", "reorder"},
    AuditRepository: {"record"},
    CredentialRepository: {
        "set_failures",
        "set_password",
        "add_token",
        "delete_token",
        "delete_tokens",
    },
    CustomerRepository: {"add", "add_or_get", "update"},
    DeskSettingsRepository: {"set"},
    SlaRepository: {
        "add_calendar",
        "save_calendar",
        "add_plan",
        "save_plan",
        "set_topic_plan",
        "add_manual_due",
        "write_clocks",
        "write_recomputed",
        "stamp_breaches",
        "append_events",
    },
    NotificationRepository: {"add", "mark_read"},
    RoutingRepository: {"add_rule", "save_rule", "delete_rule", "reorder", "set_team_assignment"},
    ReportRepository: {"write_facts", "write_first_responses"},
}
THROUGH_OTHERS = {
    TicketRepository: {"append"},
    # The round-robin cursor's row: bookkeeping no view shows (see recording.py).
    RoutingRepository: {"lock_team", "advance_cursor"},
    # A kept sign-in's "last used": bookkeeping no view shows (see recording.py).
    # A server login's password is the server's, not a table's; `set_password` (always
    # with it) records the change.
    CredentialRepository: {"touch_token", "set_server_password"},
}
RECORDING = {
    TicketRepository: recording.RecordingTicketRepository,
    AgentRepository: recording.RecordingAgentRepository,
    TeamRepository: recording.RecordingTeamRepository,
    CredentialRepository: recording.RecordingCredentialRepository,
    CategoryRepository: recording.RecordingCategoryRepository,
    CustomerRepository: recording.RecordingCustomerRepository,
    DeskSettingsRepository: recording.RecordingSettingsRepository,
    SlaRepository: recording.RecordingSlaRepository,
    NotificationRepository: recording.RecordingNotificationRepository,
    RoutingRepository: recording_routing.RecordingRoutingRepository,
    AuditRepository: recording.RecordingAuditRepository,
    ReportRepository: recording.RecordingReportRepository,
}


def _public(cls: type) -> set[str]:
    return {
        name
        for name, member in vars(cls).items()
        if not name.startswith("_") and inspect.isfunction(member)
    }


@pytest.mark.parametrize("repository", list(RECORDING), ids=lambda c: c.__name__)
def test_every_public_method_is_a_known_read_or_a_recorded_write(repository: type):
    known = READS[repository] | WRITES[repository] | THROUGH_OTHERS.get(repository, set())
    assert _public(repository) <= known, "classify the new method here and in recording.py"
    recorded = _public(RECORDING[repository])
    assert WRITES[repository] <= recorded
    assert not (recorded & (READS[repository] - {"get"}))
