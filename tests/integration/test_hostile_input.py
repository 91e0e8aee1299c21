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
from functools import partial
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
#: (name, call, valid arguments, kind of each argument to make hostile)
Entry = tuple[str, Call, dict, dict]


def _query(**changes: Any) -> QueueQuery:
    spec = {k: v for k, v in changes.items() if k in QueueFilter.__dataclass_fields__}
    rest = {k: v for k, v in changes.items() if k not in spec}
    return replace(QueueQuery(), filter=replace(QueueFilter(), **spec), **rest)


def _request(w: World, **changes: Any) -> IntakeRequest:
    return replace(IntakeRequest(subject="Hostile", customer_id=w.customer), **changes)


def _entry(db: Any, label: str, service: Call, /, **args: tuple[Any, str]) -> Entry:
    """A catalogue entry for a service taking the database, then `args` in this order,
    each given as (a valid value, the kind of hostile value to try instead)."""
    names = list(args)
    return (
        label,
        lambda **k: service(db, *(k[n] for n in names)),
        {n: valid for n, (valid, _kind) in args.items()},
        {n: kind for n, (_valid, kind) in args.items()},
    )


def catalogue(db, w: World, ticket: int, version: int) -> list[Entry]:
    """(name, call, valid arguments, kind of each argument to make hostile)."""
    entry = partial(_entry, db)
    a = w.agent
    return [
        # intake
        entry("log_ticket", log_ticket, actor=(a, "id"), request=(_request(w), "thing")),
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
        entry("claim_ticket", work.claim_ticket, actor=(a, "id"), ticket=(ticket, "id")),
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
        entry("get_ticket", queries.get_ticket, ticket=(ticket, "id")),
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
        entry(
            "queue_window",
            queries.queue_window,
            query=(QueueQuery(), "thing"),
            offset=(0, "count"),
            limit=(50, "count"),
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
        entry("queue_count", queries.queue_count, query=(QueueQuery(), "thing")),
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
        entry("rows_by_id", queries.rows_by_id, ids=([ticket], "ids")),
        entry(
            "search_tickets",
            queries.search_tickets,
            text=("printer", "search"),
            limit=(10, "count"),
        ),
        entry(
            "customer_tickets",
            queries.customer_tickets,
            customer=(w.customer, "id"),
            limit=(10, "count"),
        ),
        entry(
            "lookup_callers",
            queries.lookup_callers,
            text=("jane", "search"),
            limit=(8, "count"),
            recent=(5, "count"),
        ),
        entry(
            "caller_by_email",
            queries.caller_by_email,
            email=("jane.doe@contoso.com", "text?"),
            recent=(5, "count"),
        ),
        # the directory
        entry(
            "create_first_admin",
            directory.create_first_admin,
            login=("root", "text"),
            name=("Root", "text"),
            email=(None, "text?"),
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
        entry(
            "create_team",
            directory.create_team,
            actor=(w.admin, "id"),
            name=("Night", "text"),
            description=("", "text?"),
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
        entry(
            "set_availability",
            directory.set_availability,
            actor=(a, "id"),
            availability=(Availability.AWAY, "availability"),
            away_until=(None, "moment"),
        ),
        entry(
            "set_capacity",
            directory.set_capacity,
            actor=(w.supervisor, "id"),
            agent=(a, "id"),
            capacity=(3, "count?"),
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
        entry(
            "set_agent_active",
            administration.set_agent_active,
            actor=(w.admin, "id"),
            agent=(a, "id"),
            version=(1, "version"),
            active=(False, "flag"),
        ),
        entry(
            "release_open_tickets",
            administration.release_open_tickets,
            actor=(w.supervisor, "id"),
            agent=(a, "id"),
        ),
        (
            "update_team",
            lambda **k: administration.update_team(
                db, k["actor"], k["team"], k["version"], name=k["name"], description=k["about"]
            ),
            {"actor": w.admin, "team": w.sysadmins, "version": 1, "name": "Ops", "about": ""},
            {"actor": "id", "team": "id", "version": "version", "name": "text", "about": "text?"},
        ),
        entry(
            "set_team_active",
            administration.set_team_active,
            actor=(w.admin, "id"),
            team=(w.sysadmins, "id"),
            version=(1, "version"),
            active=(False, "flag"),
        ),
        entry(
            "set_team_members",
            administration.set_team_members,
            actor=(w.supervisor, "id"),
            team=(w.sysadmins, "id"),
            agents=([a], "ids"),
        ),
        entry("spread_team_name", administration.spread_team_name, team=(w.sysadmins, "id")),
        entry("spread_agent_name", administration.spread_agent_name, agent=(a, "id")),
        entry("admin_directory", administration.admin_directory, actor=(w.admin, "id")),
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
        entry(
            "set_topic_active",
            help_topics.set_topic_active,
            actor=(w.admin, "id"),
            topic=(w.email_topic, "id"),
            version=(1, "version"),
            active=(False, "flag"),
        ),
        entry(
            "move_topic_among_siblings",
            help_topics.move_topic_among_siblings,
            actor=(w.admin, "id"),
            topic=(w.email_topic, "id"),
            offset=(1, "offset"),
        ),
        entry(
            "audit_page",
            audit.audit_page,
            actor=(w.admin, "id"),
            filter=(AuditFilter(), "thing"),
            limit=(10, "count"),
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
        entry("add_rule", routing_rules.add_rule, actor=(w.admin, "id"), rule=(_RULE, "rule")),
        entry(
            "update_rule",
            routing_rules.update_rule,
            actor=(w.admin, "id"),
            rule_id=(1, "id"),
            rule=(_RULE, "rule"),
            version=(1, "version"),
        ),
        entry(
            "enable_rule",
            routing_rules.enable_rule,
            actor=(w.admin, "id"),
            rule_id=(1, "id"),
            enabled=(False, "flag"),
        ),
        entry("delete_rule", routing_rules.delete_rule, actor=(w.admin, "id"), rule_id=(1, "id")),
        entry(
            "reorder_rules",
            routing_rules.reorder_rules,
            actor=(w.admin, "id"),
            rule_ids=([], "ids"),
        ),
        entry(
            "set_team_assignment",
            routing_rules.set_team_assignment,
            actor=(w.admin, "id"),
            team=(w.sysadmins, "id"),
            how=(None, "strategy?"),
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
        entry(
            "set_routing_calendar",
            routing_setup.set_routing_calendar,
            actor=(w.admin, "id"),
            calendar=(None, "id?"),
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
        entry(
            "sync_agent_login",
            server_setup.sync_agent_login,
            actor=(w.admin, "id"),
            agent=(w.agent, "id"),
        ),
        entry(
            "change_own_login_password",
            server_setup.change_own_login_password,
            password=("a-long-password", "text"),
        ),
        entry(
            "sign_in",
            sign_in.sign_in,
            login=("admin", "text?"),
            password=("wrong-password", "text?"),
        ),
        entry("resume", sign_in.resume, login=("admin", "text"), desk=("not this desk", "text")),
        entry("act_as", sign_in.act_as, login=("admin", "text")),
        (
            "sign_in_on_server",
            lambda **k: sign_in.sign_in_on_server(k["url"], k["login"], k["password"]),
            {"url": "sqlite:///nowhere.sqlite3", "login": "admin", "password": "a-password"},
            {"url": "text", "login": "text?", "password": "text?"},
        ),
        entry(
            "change_password",
            sign_in.change_password,
            agent=(w.agent, "id"),
            current=("not the password", "text?"),
            new=("a new password", "text"),
            repeat=("a new password", "text"),
        ),
        entry(
            "reset_password",
            sign_in.reset_password,
            actor=(w.supervisor, "id"),
            agent=(w.agent, "id"),
            password=("a temporary one", "text"),
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
        entry(
            "keep_sign_in",
            kept_sign_in.keep_sign_in,
            agent=(99_999, "id"),
            workstation=("desk-pc", "text?"),
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
        entry(
            "set_phone_region",
            desk_settings.set_phone_region,
            actor=(w.admin, "id"),
            region=("GB", "text"),
        ),
        # the live desk
        entry(
            "set_presence",
            live.set_presence,
            actor=(a, "id"),
            ticket=(ticket, "id"),
            what=(Activity.VIEWING, "activity"),
        ),
        entry("clear_presence", live.clear_presence, actor=(a, "id"), ticket=(ticket, "id?")),
        entry("who_is_on", live.who_is_on, ids=([ticket], "ids")),
        entry("prune_change_log", live.prune_change_log, keep=(timedelta(days=7), "duration")),
        # the dashboard (issue 15)
        entry(
            "dashboard_counts",
            dashboard.dashboard_counts,
            actor=(w.supervisor, "id"),
            now=(None, "moment"),
        ),
        entry(
            "dashboard_lanes",
            dashboard.dashboard_lanes,
            actor=(w.supervisor, "id"),
            now=(None, "moment"),
            limit=(10, "count"),
        ),
        entry(
            "dashboard_charts",
            dashboard.dashboard_charts,
            actor=(w.supervisor, "id"),
            now=(None, "moment"),
        ),
        entry(
            "open_tickets_of",
            dashboard.open_tickets_of,
            actor=(w.supervisor, "id"),
            agent=(w.agent, "id"),
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
        entry(
            "undo_reassignment",
            dashboard.undo_reassignment,
            actor=(w.supervisor, "id"),
            moved=([Reassigned(ticket, version, None, None)], "thing"),
        ),
        *_sla_catalogue(db, w, ticket),
        *_reports_catalogue(db, w),
    ]


_WEEK = ["09:00-17:00"] * 5 + ["", ""]


def _sla_catalogue(db, w: World, ticket: int) -> list[Entry]:
    """The SLA services (issue 13): calendars, plans, clocks, notifications, the sweep."""
    entry = partial(_entry, db)
    s = sla_service
    fields = s.PlanFields("Standard", {Priority.HIGH: Targets(timedelta(hours=1))})
    now = datetime(2026, 11, 27, 16, 40, tzinfo=UTC)
    return [
        entry(
            "create_calendar",
            s.create_calendar,
            actor=(w.admin, "id"),
            name=("Office", "text"),
            zone=("UTC", "text"),
            hours=(_WEEK, "thing"),
            days=((), "thing"),
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
        entry("create_plan", s.create_plan, actor=(w.admin, "id"), fields=(fields, "thing")),
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
        entry(
            "update_plan",
            s.update_plan,
            actor=(w.admin, "id"),
            plan=(1, "id"),
            version=(1, "version"),
            fields=(fields, "thing"),
        ),
        entry(
            "set_topic_plan",
            s.set_topic_plan,
            actor=(w.admin, "id"),
            topic=(w.email_topic, "id"),
            plan=(None, "id?"),
        ),
        entry("set_default_plan", s.set_default_plan, actor=(w.admin, "id"), plan=(None, "id?")),
        entry(
            "set_auto_close",
            s.set_auto_close,
            actor=(w.admin, "id"),
            days=(3, "count"),
            business=(False, "flag"),
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
        entry("explain_due_times", s.explain_due_times, ticket=(ticket, "id")),
        entry(
            "set_due_time",
            s.set_due_time,
            actor=(w.supervisor, "id"),
            ticket=(ticket, "id"),
            clock=(Clock.RESOLUTION, "clock"),
            due=(now, "moment"),
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
        entry("unread_notifications", s.unread_notifications, actor=(w.agent, "id")),
        entry(
            "mark_notifications_read",
            s.mark_notifications_read,
            actor=(w.agent, "id"),
            ids=(None, "ids?"),
        ),
        entry("service_levels", s.service_levels, actor=(w.admin, "id")),
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


def _reports_catalogue(db, w: World) -> list[Entry]:
    """The reports (issue 16): each report, a bar's tickets, the CSV export, the backfill."""
    entry = partial(_entry, db)
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
        entry(
            "tickets_behind",
            reports.tickets_behind,
            actor=(w.supervisor, "id"),
            req=(req, "thing"),
            figure=("created", "thing"),
            first=(day, "moment"),
            last=(day, "moment"),
            name=("team", "thing"),
            key=(w.service_desk, "id?"),
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
        entry(
            "export_tickets_csv",
            report_tables.export_tickets_csv,
            actor=(w.supervisor, "id"),
            req=(req, "thing"),
            out=(io.StringIO(), "thing"),
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
            "changed_first_responses",  # its arithmetic, no database: a recompute's
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
