"""The admin's routing rules: list, add, edit, delete, reorder, switch on and off; which
rule fires for a ticket or a sample ("try it"); how the rules would have spread the last
tickets ("replay")."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta

from desk.domain import validation
from desk.domain.calendars import BusinessCalendar
from desk.domain.errors import NotFound, ValidationError
from desk.domain.model import Channel, Level, Priority
from desk.domain.permissions import Permission
from desk.domain.routing import (
    Decision,
    RoutingContext,
    matches,
    route,
    route_into_team,
    with_assignment,
)
from desk.domain.routing_json import checked_rule, rule_from_json, rule_to_json
from desk.domain.routing_rules import Facts, Rule, Strategy, referenced_ids
from desk.domain.routing_words import explain, match_text, rule_sentence
from desk.store.unit_of_work import SqlUnitOfWork

from . import audit
from .database import Database
from .routing import base_context, facts_of
from .routing_setup import desk_calendar
from .tickets import acting_agent

REPLAY_MAX = 10_000


@dataclass(frozen=True, slots=True)
class RuleView:
    rule: Rule
    position: int
    version: int
    sentence: str


def _clean_rule(rule: object) -> Rule:
    if isinstance(rule, Mapping):
        return rule_from_json(rule)
    return checked_rule(rule)


def _check_references(uow: SqlUnitOfWork, rule: Rule) -> None:
    found = referenced_ids(rule)
    problems = []
    for kind, ids in found.items():
        for i in sorted(ids):
            try:
                {
                    "team": uow.teams.get,
                    "topic": uow.categories.get,
                    "agent": uow.agents.get,
                    "customer": uow.customers.get,
                }[kind](i)
            except NotFound as exc:
                problems.append((kind, exc.message))
    if problems:
        raise ValidationError.single(problems[0][0], problems[0][1])


def _views(uow: SqlUnitOfWork) -> list[RuleView]:
    ctx = replace(base_context(uow, uow.now(), None), teams=uow.routing.team_states())
    names = {a.id: a.name for a in uow.agents.all()}

    def name(kind: str, i: int) -> str:
        if kind == "agent":
            return names.get(i, f"#{i}")
        try:
            return uow.customers.get(i).name
        except NotFound:
            return f"#{i}"

    return [
        RuleView(s.rule, s.position, s.version, rule_sentence(s.rule, ctx, name))
        for s in uow.routing.rules()
    ]


def list_rules(db: Database) -> list[RuleView]:
    """Every rule in the order they are tried, each with its sentence."""
    with db.read() as uow:
        return _views(uow)


def _rule_snapshot(rule: Rule) -> dict[str, object]:
    return {"name": rule.name, "enabled": rule.enabled, "body": rule_to_json(rule)}


def _view(uow: SqlUnitOfWork, rule_id: int) -> RuleView:
    return next(v for v in _views(uow) if v.rule.id == rule_id)


def add_rule(db: Database, actor_id: int, rule: Rule | Mapping[str, object]) -> RuleView:
    """A new rule, tried after the others (admins)."""
    rule = _clean_rule(rule)
    with db.write() as uow:
        actor = acting_agent(uow, actor_id, Permission.MANAGE_DESK)
        _check_references(uow, rule)
        stored = uow.routing.add_rule(rule, uow.now(), actor.id)
        assert stored.rule.id is not None
        view = _view(uow, stored.rule.id)
        audit.record(
            uow,
            actor,
            "routing.rule_create",
            f"Added the routing rule {rule.name}",
            entity_id=stored.rule.id,
            version=stored.version,
            after=_rule_snapshot(stored.rule),
        )
        uow.commit()
    return view


def update_rule(
    db: Database,
    actor_id: int,
    rule_id: int,
    rule: Rule | Mapping[str, object],
    expected_version: int,
) -> RuleView:
    """The rule's new conditions and actions, unless someone saved it since it was read."""
    rule_id = validation.clean_id("rule", "routing rule", rule_id)
    expected_version = validation.clean_count(
        "version", "The rule's version", expected_version, low=1
    )
    given_as_body = isinstance(rule, Mapping)
    rule = replace(_clean_rule(rule), id=rule_id)
    with db.write() as uow:
        actor = acting_agent(uow, actor_id, Permission.MANAGE_DESK)
        stored = uow.routing.rule(rule_id)
        if given_as_body:  # a body says nothing of on or off: the rule stays as it was
            rule = replace(rule, enabled=stored.rule.enabled)
        _check_references(uow, rule)
        saved = uow.routing.save_rule(rule, expected_version, uow.now(), actor.id)
        view = _view(uow, rule_id)
        audit.record(
            uow,
            actor,
            "routing.rule_edit",
            f"Changed the routing rule {rule.name}",
            entity_id=rule_id,
            version=saved.version,
            before=_rule_snapshot(stored.rule),
            after=_rule_snapshot(saved.rule),
        )
        uow.commit()
    return view


def enable_rule(db: Database, actor_id: int, rule_id: int, enabled: bool) -> RuleView:
    """Switch a rule on or off, leaving its place in the order."""
    rule_id = validation.clean_id("rule", "routing rule", rule_id)
    enabled = validation.clean_flag("enabled", "On", enabled)
    with db.write() as uow:
        actor = acting_agent(uow, actor_id, Permission.MANAGE_DESK)
        stored = uow.routing.rule(rule_id)
        if stored.rule.enabled != enabled:
            saved = uow.routing.save_rule(
                replace(stored.rule, enabled=enabled), stored.version, uow.now(), actor.id
            )
            audit.record(
                uow,
                actor,
                "routing.rule_enable" if enabled else "routing.rule_disable",
                f"Switched the routing rule {stored.rule.name} {'on' if enabled else 'off'}",
                entity_id=rule_id,
                version=saved.version,
                before={"enabled": stored.rule.enabled},
                after={"enabled": enabled},
            )
        view = _view(uow, rule_id)
        uow.commit()
    return view


def delete_rule(db: Database, actor_id: int, rule_id: int) -> None:
    rule_id = validation.clean_id("rule", "routing rule", rule_id)
    with db.write() as uow:
        actor = acting_agent(uow, actor_id, Permission.MANAGE_DESK)
        stored = uow.routing.rule(rule_id)
        uow.routing.delete_rule(rule_id)
        audit.record(
            uow,
            actor,
            "routing.rule_delete",
            f"Deleted the routing rule {stored.rule.name}",
            entity_id=rule_id,
            before=_rule_snapshot(stored.rule),
        )
        uow.commit()


def reorder_rules(db: Database, actor_id: int, rule_ids: Sequence[int]) -> list[RuleView]:
    """The rules tried in this order; `rule_ids` names every rule once."""
    rule_ids = validation.clean_ids("rules", "routing rule", rule_ids)
    with db.write() as uow:
        actor = acting_agent(uow, actor_id, Permission.MANAGE_DESK)
        current = [s.rule.id for s in uow.routing.rules()]
        if sorted(rule_ids) != sorted(current) or len(set(rule_ids)) != len(rule_ids):
            raise ValidationError.single(
                "rules", "Give every rule once; someone may have added or deleted one."
            )
        uow.routing.reorder(rule_ids)
        views = _views(uow)
        if rule_ids != current:
            audit.record(
                uow,
                actor,
                "routing.reorder",
                "Changed the order of the routing rules",
                before={"order": current},
                after={"order": list(rule_ids)},
            )
        uow.commit()
    return views


def set_team_assignment(
    db: Database, actor_id: int, team_id: int, strategy: Strategy | None
) -> None:
    """How a ticket transferred into the team (or logged for it with no rule assigning)
    gets its agent; None: it waits in the team's queue for someone to claim it."""
    team_id = validation.clean_id("team", "team", team_id)
    if strategy is not None:
        strategy = validation.clean_choice("strategy", "way of assigning", Strategy, strategy)
        if strategy == Strategy.AGENT:
            raise ValidationError.single("strategy", "A team assigns round-robin or by load.")
    with db.write() as uow:
        actor = acting_agent(uow, actor_id, Permission.MANAGE_DESK)
        team = uow.teams.get(team_id)
        uow.routing.set_team_assignment(team_id, strategy)
        audit.record(
            uow,
            actor,
            "routing.team_assignment",
            f"The team {team.name} now assigns "
            + (strategy.value.replace("_", " ") if strategy else "nobody by itself"),
            entity_id=team_id,
            after={"strategy": strategy.value if strategy else None},
        )
        uow.commit()


# --- try it and replay ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RuleTried:
    rule_id: int | None
    rule_name: str
    matched: bool
    why: str  # the matches, in words; empty when it did not match


@dataclass(frozen=True, slots=True)
class Trial:
    decision: Decision
    explanation: str
    tried: tuple[RuleTried, ...]  # the enabled rules up to the one that stopped the walk


def _checked_sample(sample: object) -> Facts:
    if not isinstance(sample, Facts):
        raise ValidationError.single("sample", "The sample is not a ticket to try.")
    s = sample
    values = validation.collect(
        lambda: validation.clean_subject(s.subject),
        lambda: validation.clean_body("description", "Description", s.description, required=False),
        lambda: validation.clean_choice("channel", "channel", Channel, s.channel),
        lambda: validation.clean_id("category", "help topic", s.topic_id, optional=True),
        lambda: validation.clean_id("customer", "customer", s.customer_id, optional=True),
        lambda: validation.clean_text(
            "organisation", "Organisation", s.organisation, limit=validation.ORGANISATION_MAX
        ),
        lambda: validation.clean_text("email", "Email", s.email, limit=validation.EMAIL_MAX),
        lambda: validation.clean_choice("priority", "priority", Priority, s.priority),
        lambda: validation.clean_choice("impact", "level of impact", Level, s.impact),
        lambda: validation.clean_id("team", "team", s.team_id, optional=True),
        lambda: validation.clean_moment("received_at", "Received", s.received_at),
    )
    return Facts(*values)


def _rules(uow: SqlUnitOfWork, rules: Sequence[Rule] | None) -> list[Rule]:
    if rules is None:
        return [s.rule for s in uow.routing.rules(enabled_only=True)]
    return [r for r in rules if r.enabled]


def _checked_rules(rules: object) -> list[Rule] | None:
    if rules is None:
        return None
    if not isinstance(rules, list | tuple) or len(rules) > 1_000:
        raise ValidationError.single("rules", "The rules to try are not a list of rules.")
    return [_clean_rule(r) for r in rules]


def _checked_calendar(calendar: object) -> BusinessCalendar | None:
    if calendar is not None and not isinstance(calendar, BusinessCalendar):
        raise ValidationError.single("calendar", "The business hours are not a calendar.")
    return calendar


def try_rules(
    db: Database,
    actor_id: int,
    *,
    ticket_id: int | None = None,
    sample: Facts | None = None,
    rules: Sequence[Rule] | None = None,
    calendar: BusinessCalendar | None = None,
) -> Trial:
    """Which rule fires for a stored ticket (or a typed sample), and why, with today's
    agents; `rules` tries an edited rule set before it is saved. Changes nothing."""
    if (ticket_id is None) == (sample is None):
        raise ValidationError.single("sample", "Pick a ticket or type a sample.")
    ticket_id = validation.clean_id("ticket", "ticket", ticket_id, optional=True)
    facts = _checked_sample(sample) if sample is not None else None
    checked = _checked_rules(rules)
    calendar = _checked_calendar(calendar)
    with db.read() as uow:
        acting_agent(uow, actor_id, Permission.ASSIGN_OTHERS)
        if facts is None:
            ticket = uow.tickets.get(ticket_id)
            facts = facts_of(ticket, uow.customers.get(ticket.customer_id))
            facts = replace(facts, received_at=uow.now())
        chosen = _rules(uow, checked)
        ctx = replace(
            base_context(uow, uow.now(), calendar or desk_calendar(uow)),
            teams=uow.routing.team_states(),
            agents=uow.routing.agent_states(),
        )
    decision = route(facts, chosen, ctx)
    tried = []
    for rule in chosen:
        found = matches(rule.when, facts, ctx)
        why = ""
        if found is not None:
            why = ", ".join(match_text(m) for m in found) or "every ticket"
        tried.append(RuleTried(rule.id, rule.name, found is not None, why))
        if found is not None and rule.stop:
            break
    return Trial(decision, explain(decision), tuple(tried))


@dataclass(frozen=True, slots=True)
class Replay:
    tickets: int
    by_team: Mapping[str, int]
    by_agent: Mapping[str, int]
    by_rule: Mapping[str, int]
    waiting: int  # routed to a team where nobody could take them
    unmatched: int  # no rule fired
    #: What happened to the same tickets: their team and agent now.
    actual_by_team: Mapping[str, int] = field(default_factory=dict)
    actual_by_agent: Mapping[str, int] = field(default_factory=dict)
    actual_unassigned: int = 0


def replay_rules(
    db: Database,
    actor_id: int,
    last: int = 1_000,
    *,
    days: int | None = None,
    rules: Sequence[Rule] | None = None,
    calendar: BusinessCalendar | None = None,
) -> Replay:
    """How `rules` (by default the enabled ones) would have spread the last `last`
    tickets (only those of the last `days` days, if given) across teams and agents,
    oldest first, starting from today's loads and counting each ticket given, beside
    where those tickets are now. Reads only."""
    last = validation.clean_count("last", "The number of tickets", last, low=1, high=REPLAY_MAX)
    if days is not None:
        days = validation.clean_count("days", "The number of days", days, low=1, high=3_660)
    checked = _checked_rules(rules)
    calendar = _checked_calendar(calendar)
    with db.read() as uow:
        acting_agent(uow, actor_id, Permission.ASSIGN_OTHERS)
        chosen = _rules(uow, checked)
        now = uow.now()
        ctx: RoutingContext = replace(
            base_context(uow, now, calendar or desk_calendar(uow)),
            teams=uow.routing.team_states(),
            agents=uow.routing.agent_states(),
        )
        since = now - timedelta(days=days) if days is not None else None
        rows = uow.routing.recent_tickets(last, since)
    team_counts: Counter[str] = Counter()
    agent_counts: Counter[str] = Counter()
    rule_counts: Counter[str] = Counter()
    actual_teams: Counter[str] = Counter()
    actual_agents: Counter[str] = Counter()
    waiting = unmatched = actual_unassigned = 0
    for facts, assignee_id, team_id in rows:
        actual_teams[ctx.team_name(team_id)] += 1
        if assignee_id is None:
            actual_unassigned += 1
        else:
            known = ctx.agents.get(assignee_id)
            actual_agents[known.name if known else f"#{assignee_id}"] += 1
        decision = route(facts, chosen, ctx)
        if decision.assignee_id is None and decision.waiting is None and decision.team_id:
            into = route_into_team(decision.team_id, ctx)
            if into is not None:
                decision = replace(
                    decision,
                    assignee_id=into.assignee_id,
                    cursors=into.cursors,
                    waiting=into.waiting,
                )
        if not decision.fired:
            unmatched += 1
        for fired in decision.fired:
            rule_counts[fired.rule_name] += 1
        team_counts[ctx.team_name(decision.team_id)] += 1
        if decision.assignee_id is not None:
            agent_counts[ctx.agents[decision.assignee_id].name] += 1
        elif decision.waiting is not None:
            waiting += 1
        ctx = with_assignment(ctx, decision, decision.priority)
    return Replay(
        len(rows),
        dict(team_counts),
        dict(agent_counts),
        dict(rule_counts),
        waiting,
        unmatched,
        dict(actual_teams),
        dict(actual_agents),
        actual_unassigned,
    )
