"""Every public service function refuses hostile arguments in Desk's words, writing nothing.

A hypothesis test gives each function's arguments, one at a time, values of the wrong
type, ids at and past the integer limits, unknown choices, None, and oversize text, on
SQLite and PostgreSQL; the answer must be a DeskError and the database unchanged.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from desk.domain.audit import AuditFilter
from desk.domain.calendars import BusinessCalendar
from desk.domain.errors import DeskError, NotFound, ValidationError
from desk.domain.model import ID_MAX, Availability, Channel, Level, Priority, Role, TicketStatus
from desk.domain.presence import Activity
from desk.domain.queues import QueueFilter, QueueQuery, SortKey
from desk.domain.reports import Group
from desk.domain.routing_rules import ALWAYS, AddNote, Facts, Pattern, Rule, SetTeam, Strategy
from desk.domain.sla import Clock, Targets, plan
from desk.services import (
    administration,
    audit,
    connection,
    dashboard,
    demo,
    desk_settings,
    directory,
    health,
    help_topics,
    housekeeping,
    intake,
    kept_sign_in,
    live,
    queries,
    report_facts,
    report_tables,
    reports,
    routing_rules,
    routing_setup,
    server_setup,
    sign_in,
)
from desk.services import database as database_service
from desk.services import sla as sla_service
from desk.services import tickets as work
from desk.services.dashboard import Reassigned
from desk.services.intake import IntakeRequest, NewCaller, log_ticket
from desk.store import schema

from ..conftest import World

# --- hostile values, by the kind of argument they are given for -----------------------

not_an_int = st.one_of(
    st.booleans(),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=2),
    st.just(b"1"),
)
outside_ids = st.one_of(
    st.integers(max_value=0),
    st.integers(min_value=ID_MAX + 1),
    st.sampled_from([0, -1, 2**31, 2**32, 2**63 - 1, 2**63, 2**64, -(2**63) - 1]),
)
not_text = st.one_of(
    st.integers(),
    st.floats(),
    st.booleans(),
    st.lists(st.text(max_size=3), max_size=2),
    st.just(b"bytes"),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=1),
)
huge_text = st.sampled_from(["x" * 100_001, "word " * 20_001])
too_long_search = st.one_of(
    st.integers(min_value=21, max_value=2_000).map(lambda n: " ".join(["printer"] * n)),
    st.integers(min_value=201, max_value=5_000).map(lambda n: "x" * n),
    st.just(" ".join(f"w{n}" for n in range(600))),
)


def _unknown(choices: type) -> st.SearchStrategy[Any]:
    values = {c.value for c in choices}
    return st.one_of(
        st.text(max_size=12).filter(lambda t: t not in values),
        st.integers().filter(lambda n: n not in values),
        st.floats(),
        st.booleans(),
        st.just(None),
    )


HOSTILE: dict[str, st.SearchStrategy[Any]] = {
    "id": st.one_of(st.none(), not_an_int, outside_ids),
    "id?": st.one_of(not_an_int, outside_ids),  # None is a valid "none" here
    "count": st.one_of(st.none(), not_an_int, st.integers(max_value=-1), st.just(2**63)),
    "version": st.one_of(not_an_int, st.integers(max_value=0), st.just(2**31)),
    "flag": st.one_of(st.none(), st.integers(), st.text(max_size=3)),
    "text": st.one_of(st.none(), not_text, huge_text),  # required text
    "text?": st.one_of(not_text, huge_text),  # optional: None means empty
    "search": st.one_of(not_text, too_long_search),
    "moment": st.one_of(st.integers(), st.text(max_size=5), st.just(datetime(2026, 1, 1))),
    "duration": st.one_of(st.none(), st.integers(), st.text(max_size=3)),
    "ids": st.one_of(
        st.none(), st.integers(), st.text(max_size=3), st.lists(not_an_int, min_size=1)
    ),
    "statuses": st.one_of(
        st.text(min_size=1, max_size=5),
        st.frozensets(st.text(max_size=5).filter(lambda t: t not in set(TicketStatus)), min_size=1),
    ),
    **{
        kind: _unknown(choices)
        for kind, choices in {
            "channel": Channel,
            "level": Level,
            "priority": Priority,
            "status": TicketStatus,
            "role": Role,
            "availability": Availability,
            "sort": SortKey,
            "activity": Activity,
        }.items()
    },
    "clock": _unknown(Clock),
    "ids?": st.one_of(st.integers(), st.text(max_size=3), st.lists(not_an_int, min_size=1)),
    "level?": _unknown(Level).filter(lambda v: v is not None),
    "channel?": _unknown(Channel).filter(lambda v: v is not None),
    "strategy?": _unknown(Strategy).filter(lambda v: v is not None),
    "count?": st.one_of(not_an_int, st.integers(max_value=-1), st.just(2**63)),
    # A rule's body with a hostile part, or something that is no rule at all.
    "rule": st.one_of(
        st.none(),
        st.integers(),
        st.text(max_size=5),
        st.just({"format": 1, "name": "x", "when": {"pattern": "(a+)+"}, "then": [{"note": "n"}]}),
        st.just({"format": 1, "name": "x", "then": [{"set_team": 2**40}]}),
        st.just({"format": 2, "name": "x", "then": [{"note": "n"}]}),
        st.just(Rule("x", Pattern("(a+)+"), (AddNote("n"),))),
        st.just(Rule("x", ALWAYS, ())),
        st.just(Rule("", ALWAYS, (SetTeam(9_999),))),
    ),
    "priority?": _unknown(Priority).filter(lambda v: v is not None),
    "nottext": not_text,
    "notstr": st.one_of(st.none(), st.integers(), st.floats(), st.just(object())),
    "port": st.one_of(
        st.none(),
        st.integers(max_value=0),
        st.integers(min_value=65536),
        st.floats(),
        # Blank is no hostile port: shared_server reads it as the default port, by design.
        st.text(max_size=5).filter(lambda t: t.strip() != "" and not t.strip().isdigit()),
    ),
    "offset": st.one_of(
        st.none(),
        st.booleans(),
        st.floats(),
        st.text(max_size=3),
        st.integers().filter(abs).filter(lambda n: abs(n) != 1),
    ),
    "thing?": st.one_of(st.integers(), st.text(max_size=5), st.just(object())),
    "thing": st.one_of(st.none(), st.integers(), st.text(max_size=5), st.just(object())),
}

# --- every public service function, with valid arguments and the kind of each ---------

_RULE = Rule("Night calls", ALWAYS, (AddNote("Call back in the morning."),))

Call = Callable[..., Any]


def _query(**changes: Any) -> QueueQuery:
    spec = {k: v for k, v in changes.items() if k in QueueFilter.__dataclass_fields__}
    rest = {k: v for k, v in changes.items() if k not in spec}
    return replace(QueueQuery(), filter=replace(QueueFilter(), **spec), **rest)


def _request(w: World, **changes: Any) -> IntakeRequest:
    return replace(IntakeRequest(subject="Hostile", customer_id=w.customer), **changes)


def catalogue(db, w: World, ticket: int, version: int) -> list[tuple[str, Call, dict, dict]]:
    """(name, call, valid arguments, kind of each argument to make hostile)."""
    a = w.agent
    return [
        # intake
        (
            "log_ticket",
            lambda **k: log_ticket(db, k["actor"], k["request"]),
            {"actor": a, "request": _request(w)},
            {"actor": "id", "request": "thing"},
        ),
        *[
            (
                f"log_ticket.{field}",
                lambda field=field, **k: log_ticket(db, a, _request(w, **{field: k["value"]})),
                {"value": None},
                {"value": kind},
            )
            for field, kind in {
                "subject": "text",
                "description": "text?",
                "channel": "channel",
                "customer_id": "id?",
                "category_id": "id?",
                "team_id": "id?",
                "impact": "level?",
                "urgency": "level?",
                "priority": "priority?",
                "asset": "text?",
                "assign_to_me": "flag",
                "call_seconds": "count?",  # 0 s is a valid call; "version" drew it
                "new_caller": "thing?",
            }.items()
        ],
        (
            "log_ticket.caller",
            lambda **k: log_ticket(
                db,
                a,
                IntakeRequest(
                    subject="Hostile", new_caller=NewCaller(k["name"], k["email"], k["phone"])
                ),
            ),
            {"name": "Raj", "email": "raj@fabrikam.com", "phone": ""},
            {"name": "text", "email": "text?", "phone": "text?"},
        ),
        (
            "log_ticket.calendar",
            lambda **k: log_ticket(db, a, _request(w), calendar=k["calendar"]),
            {"calendar": None},
            {"calendar": "thing?"},
        ),
        (
            "log_ticket.region",
            lambda **k: log_ticket(
                db,
                a,
                IntakeRequest(subject="Hostile", new_caller=NewCaller("Raj", phone="415 555 0181")),
                phone_region=k["region"],
            ),
            {"region": "US"},
            {"region": "text?"},
        ),
        # working a ticket
        (
            "claim_ticket",
            lambda **k: work.claim_ticket(db, k["actor"], k["ticket"]),
            {"actor": a, "ticket": ticket},
            {"actor": "id", "ticket": "id"},
        ),
        (
            "assign_ticket",
            lambda **k: work.assign_ticket(db, w.supervisor, k["ticket"], k["to"], k["version"]),
            {"ticket": ticket, "to": a, "version": version},
            {"ticket": "id", "to": "id", "version": "version"},
        ),
        (
            "release_ticket",
            lambda **k: work.release_ticket(db, k["actor"], ticket, k["version"]),
            {"actor": a, "version": version},
            {"actor": "id", "version": "version"},
        ),
        (
            "transfer_ticket",
            lambda **k: work.transfer_ticket(db, a, ticket, k["team"], k["reason"], k["version"]),
            {"team": w.sysadmins, "reason": "", "version": version},
            {"team": "id", "reason": "text?", "version": "version"},
        ),
        *[
            (
                name,
                lambda call=call, **k: call(db, a, k["ticket"], k["body"]),
                {"ticket": ticket, "body": "Hello"},
                {"ticket": "id", "body": "text"},
            )
            for name, call in {
                "reply_to_customer": work.reply_to_customer,
                "add_internal_note": work.add_internal_note,
                "add_customer_message": work.add_customer_message,
            }.items()
        ],
        (
            "change_status",
            lambda **k: work.change_status(
                db,
                a,
                ticket,
                k["target"],
                note=k["note"],
                csat=k["csat"],
                expected_version=k["version"],
            ),
            {"target": TicketStatus.PENDING, "note": "", "csat": None, "version": version},
            {"target": "status", "note": "text?", "csat": "version", "version": "version"},
        ),
        (
            "set_pending",
            lambda **k: work.set_pending(db, a, ticket, k["reason"]),
            {"reason": ""},
            {"reason": "text?"},
        ),
        (
            "resolve_ticket",
            lambda **k: work.resolve_ticket(db, a, ticket, k["note"]),
            {"note": "Fixed"},
            {"note": "text"},
        ),
        (
            "close_ticket",
            lambda **k: work.close_ticket(db, a, k["ticket"], k["csat"]),
            {"ticket": ticket, "csat": None},
            {"ticket": "id", "csat": "version"},
        ),
        (
            "reopen_ticket",
            lambda **k: work.reopen_ticket(db, a, k["ticket"], k["reason"]),
            {"ticket": ticket, "reason": ""},
            {"ticket": "id", "reason": "text?"},
        ),
        *[
            (
                f"update_ticket.{field}",
                lambda field=field, **k: work.update_ticket(
                    db, a, ticket, work.TicketEdit(**{field: k["value"]}), version
                ),
                {"value": None},
                {"value": kind},
            )
            for field, kind in {
                "subject": "text?",
                "asset": "text?",
                "category_id": "id?",
                "impact": "level?",
                "urgency": "level?",
                "priority": "priority?",
            }.items()
        ],
        (
            "update_ticket",
            lambda **k: work.update_ticket(db, a, ticket, k["edit"], k["version"]),
            {"edit": work.TicketEdit(), "version": version},
            {"edit": "thing", "version": "version"},
        ),
        (
            "bulk",
            lambda **k: work.bulk(k["ids"], k["action"]),
            {"ids": [ticket], "action": lambda i: work.claim_ticket(db, a, i)},
            {"ids": "ids", "action": "thing"},
        ),
        (
            "seed_demo",
            lambda **k: demo.seed_demo(db, k["tickets"], seed=k["seed"], now=k["now"]),
            {"tickets": 10, "seed": 1, "now": None},
            {"tickets": "count", "seed": "count", "now": "moment"},
        ),
        # reads
        (
            "get_ticket",
            lambda **k: queries.get_ticket(db, k["ticket"]),
            {"ticket": ticket},
            {"ticket": "id"},
        ),
        *[
            (
                f"queue.{field}",
                lambda field=field, **k: queries.queue_window(
                    db, _query(**{field: k["value"]}), 0, 50
                ),
                {"value": None},
                {"value": kind},
            )
            for field, kind in {
                "statuses": "statuses",
                "team_id": "id?",
                "assignee_id": "id?",
                "customer_id": "id?",
                "unassigned": "flag",
                "due_before": "moment",
                "updated_since": "moment",
                "sort": "sort",
                "descending": "flag",
                "text": "search",
            }.items()
        ],
        (
            "queue_window",
            lambda **k: queries.queue_window(db, k["query"], k["offset"], k["limit"]),
            {"query": QueueQuery(), "offset": 0, "limit": 50},
            {"query": "thing", "offset": "count", "limit": "count"},
        ),
        (
            "clean_password",
            lambda **k: directory.clean_password(k["password"]),
            {"password": "secret-password"},
            {"password": "text"},
        ),
        (
            "hash_password",
            lambda **k: sign_in.hash_password(k["password"]),
            {"password": "secret-password"},
            {"password": "nottext"},
        ),
        *[
            (
                name,
                lambda call=call, extra=extra, **k: call(k["server"], *extra),
                {"server": None},
                {"server": "thing"},
            )
            for name, call, extra in [
                ("saved_password", connection.saved_password, ()),
                ("remember_password", connection.remember_password, ("secret",)),
                ("forget_password", connection.forget_password, ()),
            ]
        ],
        (
            "queue_count",
            lambda **k: queries.queue_count(db, k["query"]),
            {"query": QueueQuery()},
            {"query": "thing"},
        ),
        (
            "queue_counts",
            lambda **k: queries.queue_counts(db, {"q": k["query"]}),
            {"query": QueueQuery()},
            {"query": "thing"},
        ),
        (
            "queue_page",
            lambda **k: queries.queue_page(db, QueueQuery(), k["offset"], k["limit"], k["total"]),
            {"offset": 0, "limit": 50, "total": 1},
            {"offset": "count", "limit": "count", "total": "version"},
        ),
        (
            "queue_pages",
            lambda **k: queries.queue_pages(db, QueueQuery(), k["pages"], 50),
            {"pages": [0]},
            {"pages": "ids"},
        ),
        (
            "rows_by_id",
            lambda **k: queries.rows_by_id(db, k["ids"]),
            {"ids": [ticket]},
            {"ids": "ids"},
        ),
        (
            "search_tickets",
            lambda **k: queries.search_tickets(db, k["text"], k["limit"]),
            {"text": "printer", "limit": 10},
            {"text": "search", "limit": "count"},
        ),
        (
            "customer_tickets",
            lambda **k: queries.customer_tickets(db, k["customer"], k["limit"]),
            {"customer": w.customer, "limit": 10},
            {"customer": "id", "limit": "count"},
        ),
        (
            "lookup_callers",
            lambda **k: queries.lookup_callers(db, k["text"], k["limit"], k["recent"]),
            {"text": "jane", "limit": 8, "recent": 5},
            {"text": "search", "limit": "count", "recent": "count"},
        ),
        (
            "caller_by_email",
            lambda **k: queries.caller_by_email(db, k["email"], k["recent"]),
            {"email": "jane.doe@contoso.com", "recent": 5},
            {"email": "text?", "recent": "count"},
        ),
        # the directory
        (
            "create_first_admin",
            lambda **k: directory.create_first_admin(db, k["login"], k["name"], k["email"]),
            {"login": "root", "name": "Root", "email": None},
            {"login": "text", "name": "text", "email": "text?"},
        ),
        (
            "create_agent",
            lambda **k: directory.create_agent(
                db,
                k["actor"],
                k["login"],
                k["name"],
                role=k["role"],
                team_ids=k["teams"],
                password=k["password"],
            ),
            {
                "actor": w.admin,
                "login": "newbie",
                "name": "New",
                "role": Role.AGENT,
                "teams": [],
                "password": None,
            },
            {
                "actor": "id",
                "login": "text",
                "name": "text",
                "role": "role",
                "teams": "ids",
                "password": "text?",
            },
        ),
        (
            "create_team",
            lambda **k: directory.create_team(db, k["actor"], k["name"], k["description"]),
            {"actor": w.admin, "name": "Night", "description": ""},
            {"actor": "id", "name": "text", "description": "text?"},
        ),
        (
            "add_team_member",
            lambda **k: directory.add_team_member(db, w.admin, k["team"], k["agent"]),
            {"team": w.sysadmins, "agent": a},
            {"team": "id", "agent": "id"},
        ),
        (
            "create_category",
            lambda **k: directory.create_category(
                db,
                w.admin,
                k["name"],
                parent_id=k["parent"],
                default_team_id=k["team"],
                default_priority=k["priority"],
            ),
            {"name": "VPN", "parent": None, "team": None, "priority": Priority.NORMAL},
            {"name": "text", "parent": "id?", "team": "id?", "priority": "priority"},
        ),
        (
            "set_availability",
            lambda **k: directory.set_availability(
                db, k["actor"], k["availability"], k["away_until"]
            ),
            {"actor": a, "availability": Availability.AWAY, "away_until": None},
            {"actor": "id", "availability": "availability", "away_until": "moment"},
        ),
        (
            "set_capacity",
            lambda **k: directory.set_capacity(db, k["actor"], k["agent"], k["capacity"]),
            {"actor": w.supervisor, "agent": a, "capacity": 3},
            {"actor": "id", "agent": "id", "capacity": "count?"},
        ),
        # administration (issue 12)
        (
            "update_agent",
            lambda **k: administration.update_agent(
                db,
                k["actor"],
                k["agent"],
                k["version"],
                name=k["name"],
                email=k["email"],
                role=k["role"],
                team_ids=k["teams"],
            ),
            {
                "actor": w.admin,
                "agent": a,
                "version": 1,
                "name": "Sam",
                "email": None,
                "role": Role.AGENT,
                "teams": [w.service_desk],
            },
            {
                "actor": "id",
                "agent": "id",
                "version": "version",
                "name": "text",
                "email": "text?",
                "role": "role",
                "teams": "ids",
            },
        ),
        (
            "set_agent_active",
            lambda **k: administration.set_agent_active(
                db, k["actor"], k["agent"], k["version"], k["active"]
            ),
            {"actor": w.admin, "agent": a, "version": 1, "active": False},
            {"actor": "id", "agent": "id", "version": "version", "active": "flag"},
        ),
        (
            "release_open_tickets",
            lambda **k: administration.release_open_tickets(db, k["actor"], k["agent"]),
            {"actor": w.supervisor, "agent": a},
            {"actor": "id", "agent": "id"},
        ),
        (
            "update_team",
            lambda **k: administration.update_team(
                db, k["actor"], k["team"], k["version"], name=k["name"], description=k["about"]
            ),
            {"actor": w.admin, "team": w.sysadmins, "version": 1, "name": "Ops", "about": ""},
            {"actor": "id", "team": "id", "version": "version", "name": "text", "about": "text?"},
        ),
        (
            "set_team_active",
            lambda **k: administration.set_team_active(
                db, k["actor"], k["team"], k["version"], k["active"]
            ),
            {"actor": w.admin, "team": w.sysadmins, "version": 1, "active": False},
            {"actor": "id", "team": "id", "version": "version", "active": "flag"},
        ),
        (
            "set_team_members",
            lambda **k: administration.set_team_members(db, k["actor"], k["team"], k["agents"]),
            {"actor": w.supervisor, "team": w.sysadmins, "agents": [a]},
            {"actor": "id", "team": "id", "agents": "ids"},
        ),
        (
            "spread_team_name",
            lambda **k: administration.spread_team_name(db, k["team"]),
            {"team": w.sysadmins},
            {"team": "id"},
        ),
        (
            "spread_agent_name",
            lambda **k: administration.spread_agent_name(db, k["agent"]),
            {"agent": a},
            {"agent": "id"},
        ),
        (
            "admin_directory",
            lambda **k: administration.admin_directory(db, k["actor"]),
            {"actor": w.admin},
            {"actor": "id"},
        ),
        (
            "update_topic",
            lambda **k: help_topics.update_topic(
                db,
                k["actor"],
                k["topic"],
                k["version"],
                name=k["name"],
                parent_id=k["parent"],
                default_team_id=k["team"],
                default_priority=k["priority"],
                description=k["about"],
            ),
            {
                "actor": w.admin,
                "topic": w.email_topic,
                "version": 1,
                "name": "Mail",
                "parent": None,
                "team": None,
                "priority": Priority.NORMAL,
                "about": "",
            },
            {
                "actor": "id",
                "topic": "id",
                "version": "version",
                "name": "text",
                "parent": "id?",
                "team": "id?",
                "priority": "priority",
                "about": "text?",
            },
        ),
        (
            "set_topic_active",
            lambda **k: help_topics.set_topic_active(
                db, k["actor"], k["topic"], k["version"], k["active"]
            ),
            {"actor": w.admin, "topic": w.email_topic, "version": 1, "active": False},
            {"actor": "id", "topic": "id", "version": "version", "active": "flag"},
        ),
        (
            "move_topic_among_siblings",
            lambda **k: help_topics.move_topic_among_siblings(
                db, k["actor"], k["topic"], k["offset"]
            ),
            {"actor": w.admin, "topic": w.email_topic, "offset": 1},
            {"actor": "id", "topic": "id", "offset": "offset"},
        ),
        (
            "audit_page",
            lambda **k: audit.audit_page(db, k["actor"], k["filter"], k["limit"]),
            {"actor": w.admin, "filter": AuditFilter(), "limit": 10},
            {"actor": "id", "filter": "thing", "limit": "count"},
        ),
        (
            "save_settings",
            lambda **k: desk_settings.save_settings(
                db,
                k["actor"],
                desk_name=k["name"],
                phone_region=k["region"],
                ticket_prefix=k["prefix"],
            ),
            {"actor": w.admin, "name": "Desk", "region": "GB", "prefix": "IT-"},
            {"actor": "id", "name": "text", "region": "nottext", "prefix": "nottext"},
        ),
        # routing
        (
            "add_rule",
            lambda **k: routing_rules.add_rule(db, k["actor"], k["rule"]),
            {"actor": w.admin, "rule": _RULE},
            {"actor": "id", "rule": "rule"},
        ),
        (
            "update_rule",
            lambda **k: routing_rules.update_rule(
                db, k["actor"], k["rule_id"], k["rule"], k["version"]
            ),
            {"actor": w.admin, "rule_id": 1, "rule": _RULE, "version": 1},
            {"actor": "id", "rule_id": "id", "rule": "rule", "version": "version"},
        ),
        (
            "enable_rule",
            lambda **k: routing_rules.enable_rule(db, k["actor"], k["rule_id"], k["enabled"]),
            {"actor": w.admin, "rule_id": 1, "enabled": False},
            {"actor": "id", "rule_id": "id", "enabled": "flag"},
        ),
        (
            "delete_rule",
            lambda **k: routing_rules.delete_rule(db, k["actor"], k["rule_id"]),
            {"actor": w.admin, "rule_id": 1},
            {"actor": "id", "rule_id": "id"},
        ),
        (
            "reorder_rules",
            lambda **k: routing_rules.reorder_rules(db, k["actor"], k["rule_ids"]),
            {"actor": w.admin, "rule_ids": []},
            {"actor": "id", "rule_ids": "ids"},
        ),
        (
            "set_team_assignment",
            lambda **k: routing_rules.set_team_assignment(db, k["actor"], k["team"], k["how"]),
            {"actor": w.admin, "team": w.sysadmins, "how": None},
            {"actor": "id", "team": "id", "how": "strategy?"},
        ),
        (
            "try_rules",
            lambda **k: routing_rules.try_rules(
                db,
                k["actor"],
                ticket_id=k["ticket"],
                sample=k["sample"],
                rules=k["rules"],
                calendar=k["calendar"],
            ),
            {
                "actor": w.supervisor,
                "ticket": None,
                "sample": Facts("VPN"),
                "rules": None,
                "calendar": None,
            },
            {
                "actor": "id",
                "ticket": "id?",
                "sample": "thing?",
                "rules": "thing?",
                "calendar": "thing?",
            },
        ),
        *[
            (
                f"try_rules.{field}",
                lambda field=field, **k: routing_rules.try_rules(
                    db, w.supervisor, sample=replace(Facts("VPN"), **{field: k["value"]})
                ),
                {"value": None},
                {"value": kind},
            )
            for field, kind in {
                "subject": "text",
                "description": "text?",
                "channel": "channel",
                "topic_id": "id?",
                "customer_id": "id?",
                "organisation": "text?",
                "email": "text?",
                "priority": "priority",
                "impact": "level",
                "team_id": "id?",
                "received_at": "moment",
            }.items()
        ],
        (
            "replay_rules",
            lambda **k: routing_rules.replay_rules(
                db, k["actor"], k["last"], days=k["days"], rules=k["rules"], calendar=k["calendar"]
            ),
            {"actor": w.supervisor, "last": 10, "days": None, "rules": None, "calendar": None},
            {
                "actor": "id",
                "last": "count",
                "days": "count?",
                "rules": "thing?",
                "calendar": "thing?",
            },
        ),
        (
            "set_routing_calendar",
            lambda **k: routing_setup.set_routing_calendar(db, k["actor"], k["calendar"]),
            {"actor": w.admin, "calendar": None},
            {"actor": "id", "calendar": "id?"},
        ),
        # a shared server's own logins (refused here before anything reaches a server)
        (
            "server_setup",
            lambda **k: server_setup.server_setup(k["url"], k["prefix"]),
            {"url": "postgresql://nobody@127.0.0.1:1/desk", "prefix": None},
            {"url": "text", "prefix": "text?"},
        ),
        *[
            (
                name,
                lambda call=call, **k: call(db, k["actor"], k["agent"], k["password"]),
                {"actor": w.admin, "agent": w.agent, "password": "a-long-password"},
                {"actor": "id", "agent": "id", "password": "text"},
            )
            for name, call in (
                ("create_agent_login", server_setup.create_agent_login),
                ("set_agent_login_password", server_setup.set_agent_login_password),
            )
        ],
        (
            "sync_agent_login",
            lambda **k: server_setup.sync_agent_login(db, k["actor"], k["agent"]),
            {"actor": w.admin, "agent": w.agent},
            {"actor": "id", "agent": "id"},
        ),
        (
            "change_own_login_password",
            lambda **k: server_setup.change_own_login_password(db, k["password"]),
            {"password": "a-long-password"},
            {"password": "text"},
        ),
        (
            "sign_in",
            lambda **k: sign_in.sign_in(db, k["login"], k["password"]),
            {"login": "admin", "password": "wrong-password"},
            {"login": "text?", "password": "text?"},
        ),
        (
            "resume",
            lambda **k: sign_in.resume(db, k["login"], k["desk"]),
            {"login": "admin", "desk": "not this desk"},
            {"login": "text", "desk": "text"},
        ),
        (
            "act_as",
            lambda **k: sign_in.act_as(db, k["login"]),
            {"login": "admin"},
            {"login": "text"},
        ),
        (
            "sign_in_on_server",
            lambda **k: sign_in.sign_in_on_server(k["url"], k["login"], k["password"]),
            {"url": "sqlite:///nowhere.sqlite3", "login": "admin", "password": "a-password"},
            {"url": "text", "login": "text?", "password": "text?"},
        ),
        (
            "change_password",
            lambda **k: sign_in.change_password(
                db, k["agent"], k["current"], k["new"], k["repeat"]
            ),
            {
                "agent": w.agent,
                "current": "not the password",
                "new": "a new password",
                "repeat": "a new password",
            },
            {"agent": "id", "current": "text?", "new": "text", "repeat": "text"},
        ),
        (
            "reset_password",
            lambda **k: sign_in.reset_password(db, k["actor"], k["agent"], k["password"]),
            {"actor": w.supervisor, "agent": w.agent, "password": "a temporary one"},
            {"actor": "id", "agent": "id", "password": "text"},
        ),
        *[
            (
                name,
                lambda name=name, **k: getattr(sign_in, name)(db, k["actor"], k["agent"]),
                {"actor": w.supervisor, "agent": w.agent},
                {"actor": "id", "agent": "id"},
            )
            for name in ("unlock", "revoke_tokens", "sign_in_state")
        ],
        (
            "keep_sign_in",
            lambda **k: kept_sign_in.keep_sign_in(db, k["agent"], k["workstation"]),
            {"agent": 99_999, "workstation": "desk-pc"},
            {"agent": "id", "workstation": "text?"},
        ),
        # choosing a database (nothing is opened for a bad argument)
        (
            "local_database",
            lambda **k: connection.local_database(k["path"]),
            {"path": "desk.sqlite3"},
            {"path": "notstr"},
        ),
        (
            "shared_server",
            lambda **k: connection.shared_server(k["host"], k["port"], k["database"], k["user"]),
            {"host": "db.example", "port": 5432, "database": "desk", "user": "desk"},
            {"host": "text", "port": "port", "database": "text", "user": "text"},
        ),
        *[
            (name, lambda call=call, **k: call(k["url"]), {"url": ""}, {"url": "notstr"})
            for name, call in {
                "choice_from_url": connection.choice_from_url,
                "password_in": connection.password_in,
                "with_saved_password": connection.with_saved_password,
                "reopen": connection.reopen,
                "missing_database_file": database_service.missing_database_file,
                "open_database": database_service.open_database,
                "test_connection": database_service.test_connection,
            }.items()
        ],
        (
            "connect",
            lambda **k: connection.connect(k["choice"]),
            {"choice": None},
            {"choice": "thing"},
        ),
        # desk-wide settings
        (
            "set_phone_region",
            lambda **k: desk_settings.set_phone_region(db, k["actor"], k["region"]),
            {"actor": w.admin, "region": "GB"},
            {"actor": "id", "region": "text"},
        ),
        # the live desk
        (
            "set_presence",
            lambda **k: live.set_presence(db, k["actor"], k["ticket"], k["what"]),
            {"actor": a, "ticket": ticket, "what": Activity.VIEWING},
            {"actor": "id", "ticket": "id", "what": "activity"},
        ),
        (
            "clear_presence",
            lambda **k: live.clear_presence(db, k["actor"], k["ticket"]),
            {"actor": a, "ticket": ticket},
            {"actor": "id", "ticket": "id?"},
        ),
        (
            "who_is_on",
            lambda **k: live.who_is_on(db, k["ids"]),
            {"ids": [ticket]},
            {"ids": "ids"},
        ),
        (
            "prune_change_log",
            lambda **k: live.prune_change_log(db, k["keep"]),
            {"keep": timedelta(days=7)},
            {"keep": "duration"},
        ),
        # the dashboard (issue 15)
        (
            "dashboard_counts",
            lambda **k: dashboard.dashboard_counts(db, k["actor"], k["now"]),
            {"actor": w.supervisor, "now": None},
            {"actor": "id", "now": "moment"},
        ),
        (
            "dashboard_lanes",
            lambda **k: dashboard.dashboard_lanes(db, k["actor"], k["now"], k["limit"]),
            {"actor": w.supervisor, "now": None, "limit": 10},
            {"actor": "id", "now": "moment", "limit": "count"},
        ),
        (
            "dashboard_charts",
            lambda **k: dashboard.dashboard_charts(db, k["actor"], k["now"]),
            {"actor": w.supervisor, "now": None},
            {"actor": "id", "now": "moment"},
        ),
        (
            "open_tickets_of",
            lambda **k: dashboard.open_tickets_of(db, k["actor"], k["agent"]),
            {"actor": w.supervisor, "agent": w.agent},
            {"actor": "id", "agent": "id"},
        ),
        (
            "reassign_tickets",
            lambda **k: dashboard.reassign_tickets(
                db, k["actor"], k["tickets"], agent_id=k["agent"]
            ),
            {"actor": w.supervisor, "tickets": [(ticket, version)], "agent": w.other_agent},
            {"actor": "id", "tickets": "thing", "agent": "id"},
        ),
        (
            "reassign_tickets.team",
            lambda **k: dashboard.reassign_tickets(
                db, w.supervisor, [(ticket, version)], team_id=k["team"]
            ),
            {"team": w.sysadmins},
            {"team": "id"},
        ),
        (
            "undo_reassignment",
            lambda **k: dashboard.undo_reassignment(db, k["actor"], k["moved"]),
            {"actor": w.supervisor, "moved": [Reassigned(ticket, version, None, None)]},
            {"actor": "id", "moved": "thing"},
        ),
        *_sla_catalogue(db, w, ticket),
        *_reports_catalogue(db, w),
    ]


_WEEK = ["09:00-17:00"] * 5 + ["", ""]


def _sla_catalogue(db, w: World, ticket: int) -> list[tuple[str, Call, dict, dict]]:
    """The SLA services (issue 13): calendars, plans, clocks, notifications, the sweep."""
    s = sla_service
    fields = s.PlanFields("Standard", {Priority.HIGH: Targets(timedelta(hours=1))})
    now = datetime(2026, 11, 27, 16, 40, tzinfo=UTC)
    return [
        (
            "create_calendar",
            lambda **k: s.create_calendar(
                db, k["actor"], k["name"], k["zone"], k["hours"], k["days"]
            ),
            {"actor": w.admin, "name": "Office", "zone": "UTC", "hours": _WEEK, "days": ()},
            {"actor": "id", "name": "text", "zone": "text", "hours": "thing", "days": "thing"},
        ),
        (
            "update_calendar",
            lambda **k: s.update_calendar(
                db, k["actor"], k["calendar"], k["version"], k["name"], "UTC", k["hours"]
            ),
            {"actor": w.admin, "calendar": 1, "version": 1, "name": "Office", "hours": _WEEK},
            {
                "actor": "id",
                "calendar": "id",
                "version": "version",
                "name": "text",
                "hours": "thing",
            },
        ),
        (
            "create_plan",
            lambda **k: s.create_plan(db, k["actor"], k["fields"]),
            {"actor": w.admin, "fields": fields},
            {"actor": "id", "fields": "thing"},
        ),
        *[
            (
                f"create_plan.{name}",
                lambda name=name, **k: s.create_plan(
                    db, w.admin, replace(fields, **{name: k["value"]})
                ),
                {"value": None},
                {"value": kind},
            )
            for name, kind in {
                "name": "text",
                "targets": "thing",
                "calendar_id": "id?",
                "at_risk_percent": "version",
                "pause": "thing",
                "escalations": "thing",
            }.items()
        ],
        (
            "update_plan",
            lambda **k: s.update_plan(db, k["actor"], k["plan"], k["version"], k["fields"]),
            {"actor": w.admin, "plan": 1, "version": 1, "fields": fields},
            {"actor": "id", "plan": "id", "version": "version", "fields": "thing"},
        ),
        (
            "set_topic_plan",
            lambda **k: s.set_topic_plan(db, k["actor"], k["topic"], k["plan"]),
            {"actor": w.admin, "topic": w.email_topic, "plan": None},
            {"actor": "id", "topic": "id", "plan": "id?"},
        ),
        (
            "set_default_plan",
            lambda **k: s.set_default_plan(db, k["actor"], k["plan"]),
            {"actor": w.admin, "plan": None},
            {"actor": "id", "plan": "id?"},
        ),
        (
            "set_auto_close",
            lambda **k: s.set_auto_close(db, k["actor"], k["days"], k["business"]),
            {"actor": w.admin, "days": 3, "business": False},
            {"actor": "id", "days": "count", "business": "flag"},
        ),
        (
            "preview_plan",
            lambda **k: s.preview_plan(k["plan"], k["calendar"], k["priority"], k["now"]),
            {
                "plan": plan("Standard", {Priority.HIGH: (timedelta(hours=1), None)}),
                "calendar": BusinessCalendar.always_open(),
                "priority": Priority.HIGH,
                "now": now,
            },
            {"plan": "thing", "calendar": "thing", "priority": "priority", "now": "moment"},
        ),
        (
            "explain_due_times",
            lambda **k: s.explain_due_times(db, k["ticket"]),
            {"ticket": ticket},
            {"ticket": "id"},
        ),
        (
            "set_due_time",
            lambda **k: s.set_due_time(db, k["actor"], k["ticket"], k["clock"], k["due"]),
            {"actor": w.supervisor, "ticket": ticket, "clock": Clock.RESOLUTION, "due": now},
            {"actor": "id", "ticket": "id", "clock": "clock", "due": "moment"},
        ),
        (
            "recompute_open_tickets",
            lambda **k: s.recompute_open_tickets(db, batch=k["batch"], progress=k["progress"]),
            {"batch": 500, "progress": None},
            {"batch": "version", "progress": "thing?"},
        ),
        (
            "list_notifications",
            lambda **k: s.list_notifications(
                db, k["actor"], unread_only=k["unread"], limit=k["limit"]
            ),
            {"actor": w.agent, "unread": False, "limit": 50},
            {"actor": "id", "unread": "flag", "limit": "version"},
        ),
        (
            "unread_notifications",
            lambda **k: s.unread_notifications(db, k["actor"]),
            {"actor": w.agent},
            {"actor": "id"},
        ),
        (
            "mark_notifications_read",
            lambda **k: s.mark_notifications_read(db, k["actor"], k["ids"]),
            {"actor": w.agent, "ids": None},
            {"actor": "id", "ids": "ids?"},
        ),
        (
            "service_levels",
            lambda **k: s.service_levels(db, k["actor"]),
            {"actor": w.admin},
            {"actor": "id"},
        ),
        (
            "public_holidays_for",
            lambda **k: s.public_holidays_for(k["country"], k["region"], k["years"]),
            {"country": "GB", "region": None, "years": [2026]},
            {"country": "text", "region": "text?", "years": "thing"},
        ),
        (
            "sweep",
            lambda **k: housekeeping.sweep(
                db, k["holder"], release=k["release"], use_lease=k["lease"]
            ),
            {"holder": "desk-a", "release": False, "lease": True},
            {"holder": "text", "release": "flag", "lease": "flag"},
        ),
    ]


def _reports_catalogue(db, w: World) -> list[tuple[str, Call, dict, dict]]:
    """The reports (issue 16): each report, a bar's tickets, the CSV export, the backfill."""
    req = reports.request(date(2026, 11, 1), date(2026, 11, 30))
    day = date(2026, 11, 2)
    entries: list[tuple[str, Call, dict, dict]] = [
        (
            "request",
            lambda **k: reports.request(k["first"], k["last"], **k["more"]),
            {"first": day, "last": day, "more": {}},
            {"first": "moment", "last": "moment"},
        ),
        *[
            (
                f"request.{name}",
                lambda name=name, **k: reports.request(day, day, **{name: k["value"]}),
                {"value": None},
                {"value": kind},
            )
            for name, kind in {
                "team_id": "id?",
                "agent_id": "id?",
                "topic_id": "id?",
                "channel": "channel?",  # None: every channel
                "organisation": "text?",
                "grain": "thing",
                "breakdown": "thing",
            }.items()
        ],
        *[
            (
                name,
                lambda function=function, **k: function(db, k["actor"], k["req"], run=k["run"]),
                {"actor": w.supervisor, "req": req, "run": None},
                {"actor": "id", "req": "thing", "run": "thing?"},  # None: a run of its own
            )
            for name, function in {
                "volume_report": reports.volume_report,
                "times_report": reports.times_report,
                "compliance_report": reports.compliance_report,
                "agent_report": reports.agent_report,
            }.items()
        ],
        *[
            (
                name,
                lambda function=function, **k: function(db, k["actor"], k["req"], k["group"]),
                {"actor": w.supervisor, "req": req, "group": Group.TEAM},
                {"actor": "id", "req": "thing", "group": "thing"},
            )
            for name, function in {
                "resolved_report": reports.resolved_report,
                "backlog_report": reports.backlog_report,
            }.items()
        ],
        (
            "tickets_behind",
            lambda **k: reports.tickets_behind(
                db, k["actor"], k["req"], k["figure"], k["first"], k["last"], k["name"], k["key"]
            ),
            {
                "actor": w.supervisor,
                "req": req,
                "figure": "created",
                "first": day,
                "last": day,
                "name": "team",
                "key": w.service_desk,
            },
            {
                "actor": "id",
                "req": "thing",
                "figure": "thing",
                "first": "moment",
                "last": "moment",
                "name": "thing",
                "key": "id?",
            },
        ),
        (
            "export_csv",
            lambda **k: report_tables.export_csv(
                k["name"], db, k["actor"], k["req"], k["out"], k["group"]
            ),
            {
                "name": "volume",
                "actor": w.supervisor,
                "req": req,
                "out": io.StringIO(),
                "group": "agent",
            },
            {"name": "thing", "actor": "id", "req": "thing", "out": "thing", "group": "thing"},
        ),
        (
            "export_tickets_csv",
            lambda **k: report_tables.export_tickets_csv(db, k["actor"], k["req"], k["out"]),
            {"actor": w.supervisor, "req": req, "out": io.StringIO()},
            {"actor": "id", "req": "thing", "out": "thing"},
        ),
        (
            "backfill",
            lambda **k: report_facts.backfill(
                db, batch=k["batch"], progress=k["progress"], should_stop=k["stop"]
            ),
            {"batch": 10, "progress": None, "stop": None},
            {"batch": "count", "progress": "thing?", "stop": "thing?"},
        ),
    ]
    return entries


def _fingerprint(db) -> tuple:
    """What the database holds, in numbers: rows of every table and ticket versions."""
    tables = [
        schema.tickets,
        schema.thread_entries,
        schema.customers,
        schema.customer_terms,
        schema.agents,
        schema.teams,
        schema.team_members,
        schema.categories,
        schema.desk_settings,
        schema.presence,
        schema.change_log,
        schema.business_calendars,
        schema.sla_plans,
        schema.topic_plans,
        schema.manual_dues,
        schema.notifications,
        schema.housekeeping_leases,
        schema.routing_rules,
        schema.routing_cursors,
        schema.audit_log,
    ]
    with db.read() as uow:
        conn = uow.tickets._conn
        counts = tuple(
            conn.execute(select(func.count()).select_from(t)).scalar_one() for t in tables
        )
        versions = conn.execute(
            select(func.sum(schema.tickets.c.version), func.max(schema.tickets.c.updated_at))
        ).one()
        a = schema.agents.c
        availability = tuple(
            tuple(row) for row in conn.execute(select(a.availability, a.away_until, a.capacity))
        )
    return counts, tuple(versions), availability


@pytest.fixture
def desk(db, world: World):
    ticket = queries.search_tickets(db, "printer")[0]
    version = queries.get_ticket(db, ticket).ticket.version
    entries = catalogue(db, world, ticket, version)
    pairs = [(entry, arg) for entry in entries for arg in entry[3]]
    return db, pairs


def test_the_catalogue_covers_every_public_service_function(db, world: World):
    import inspect

    names = {entry[0].split(".")[0] for entry in catalogue(db, world, 1, 1)}
    modules = (
        work,
        queries,
        directory,
        connection,
        database_service,
        demo,
        intake,
        routing_rules,
        routing_setup,
        dashboard,
    )
    admin_modules = (administration, help_topics, audit)
    others = (
        desk_settings,
        live,
        health,
        sla_service,
        housekeeping,
        sign_in,
        kept_sign_in,
        server_setup,
    )
    reporting = (reports, report_tables, report_facts)
    for module in (*modules, *admin_modules, *others, *reporting):
        public = {
            name
            for name, obj in vars(module).items()
            if inspect.isfunction(obj)
            and obj.__module__ == module.__name__
            and not name.startswith("_")
        }
        # Helpers other services use, not use cases; checked elsewhere or argument-free.
        public -= {
            "acting_agent",
            "event_entries",
            "record",
            "record_first_responses",  # a recompute's, in the transaction it holds
            "has_agents",
            "directory",
            "ensure_demo_desk",
            # The desk's own id and country, its health, the newest change, a heartbeat:
            # no argument but the database. Settling takes whatever the computer says and
            # falls back to the default by design; a stored region is read in a
            # transaction the caller holds; the feed's subscriptions take callbacks.
            "desk_id",
            "phone_region",
            "stored_phone_region",
            "settle_phone_region",
            "is_read_only",
            "check_database",
            "last_change_id",
            "heartbeat",
            "on_local_changes",
            "other_clients_changes",
            # The SLA lists take nothing but the database; the cutoff is arithmetic the
            # sweep calls with its own values.
            "list_calendars",
            "list_plans",
            "close_cutoff",
            "list_rules",
            # Sign-in's questions of the database alone, and of this computer.
            "is_server",
            "connected_agent",
            "kept_sign_in",
            "forget_sign_in",
            "can_keep_sign_in",
            "workstation_name",
            # Issue 12: the audit helpers other services call in their own unit of work,
            # the JSON snapshots they write, the settings a desk is opened with.
            "conflict",
            "team_snapshot",
            "topic_snapshot",
            "read_settings",
            "apply_number_prefix",
            "clean_prefix",
            # What the rule editor shows beside the rules (nothing but the database), and
            # the routing calendar read in a transaction the caller holds.
            "routing_setup",
            "desk_calendar",
            # The reports' own helpers: the checks the services above call first, the
            # rows a ticket change writes in its transaction, a table of a report value
            # (pure), the CSV cells and the file they go to.
            "checked",
            "reading",
            "backfill_if_writable",  # backfill, above, where the database takes writes
            "with_subtopics",
            "report_zone",
            "N_",
            "volume_table",
            "times_table",
            "compliance_table",
            "reopen_table",
            "satisfaction_table",
            "backlog_table",
            "agent_table",
            "csv_value",
            "csv_title",
            "open_csv",
            "write_table_csv",
            # Whether the desk has per-agent server logins: nothing but the database.
            "uses_server_logins",
        }
        assert public <= names, sorted(public - names)


@settings(
    max_examples=int(os.environ.get("DESK_HOSTILE_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_hostile_arguments_get_desks_own_error_and_change_nothing(desk, data):
    db, pairs = desk
    (name, call, valid, kinds), arg = data.draw(st.sampled_from(pairs), label="function")
    value = data.draw(HOSTILE[kinds[arg]], label=f"{name}({arg}=...)")
    before = _fingerprint(db)
    with pytest.raises(DeskError):
        call(**{**valid, arg: value})
    assert _fingerprint(db) == before


# --- the cases the fuzzing run of issue 19 found, by name --------------------------------


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda db, w: log_ticket(db, w.agent, _request(w, channel="fax")), "channel"),
        (lambda db, w: log_ticket(db, w.agent, _request(w, impact=7)), "impact"),
        (lambda db, w: log_ticket(db, w.agent, _request(w, priority="urgent")), "priority"),
        (lambda db, w: work.claim_ticket(db, w.agent, "1"), "ticket"),
        (lambda db, w: work.claim_ticket(db, str(w.agent), 1), "agent"),
        (lambda db, w: queries.get_ticket(db, 2**63), "ticket"),
        (lambda db, w: queries.get_ticket(db, 2**31), "ticket"),
        (lambda db, w: queries.get_ticket(db, None), "ticket"),
        (lambda db, w: work.reply_to_customer(db, w.agent, None, "Hello"), "ticket"),
        (lambda db, w: directory.create_team(db, w.admin, None), "name"),
        (lambda db, w: queries.search_tickets(db, 42), "search"),
        (lambda db, w: queries.search_tickets(db, " ".join(["printer"] * 501)), "search"),
        (lambda db, w: queries.lookup_callers(db, " ".join(["jane"] * 501)), "lookup"),
        (lambda db, w: work.change_status(db, w.agent, 1, "frozen"), "status"),
        (lambda db, w: directory.create_agent(db, w.admin, "x1", "X", role="god"), "role"),
    ],
)
def test_the_inputs_issue_19_found_are_refused_at_their_field(db, world: World, call, field):
    before = _fingerprint(db)
    with pytest.raises(ValidationError) as raised:
        call(db, world)
    assert raised.value.for_field(field), raised.value.problems
    assert "Error" not in raised.value.message and "'" not in raised.value.message[:1]
    assert _fingerprint(db) == before


def test_a_well_formed_id_that_does_not_exist_is_not_found(db, world: World):
    with pytest.raises(NotFound, match="There is no ticket HD-999999"):
        queries.get_ticket(db, 999_999)


UNSTORABLE = "Print\x00er zorble\ud800s again\udfff"


def test_nul_and_lone_surrogates_are_removed_the_same_way_on_both_backends(db, world: World):
    ticket = log_ticket(
        db,
        world.agent,
        IntakeRequest(
            subject=UNSTORABLE,
            description=UNSTORABLE,
            new_caller=NewCaller("Ra\x00j Pa\ud83dtel", "raj@fabrikam.com"),
        ),
    )
    work.reply_to_customer(db, world.agent, ticket.id, UNSTORABLE)
    detail = queries.get_ticket(db, ticket.id)
    assert detail.ticket.subject == "Printer zorbles again"
    assert detail.customer.name == "Raj Patel"
    assert [e.body for e in detail.thread if e.body] == ["Printer zorbles again"] * 2
    assert queries.search_tickets(db, "zorbles\x00") == [ticket.id]
    assert [m.customer.id for m in queries.lookup_callers(db, "Pa\ud800tel")] == [
        detail.customer.id
    ]
