"""Routing applied inside another service's transaction: at intake and on a transfer.

The teams a ticket may go to are locked first (their cursor rows, SELECT … FOR UPDATE on
PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers), then every agent the
rules may pick (one statement, in id order), and only then are their availability,
capacity and open tickets read and the rules decide: two teams routing to the same agent
at once count that agent's tickets one after the other, so neither fills a last place
the other took.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from desk.domain import lifecycle
from desk.domain.calendars import BusinessCalendar
from desk.domain.model import Agent, Customer, Priority
from desk.domain.priority import priority_for
from desk.domain.routing import Decision, RoutingContext, TeamState, route, route_into_team
from desk.domain.routing_rules import Facts, Rule, SetTeam
from desk.domain.routing_words import explain, fired_to_data, step_text
from desk.domain.thread import EntryKind, EventType
from desk.domain.ticket import Ticket
from desk.store.tickets import NewEntry
from desk.store.unit_of_work import SqlUnitOfWork

from . import tickets as work
from .routing_setup import desk_calendar

#: Who the thread says routed a ticket.
ROUTING_AUTHOR = "Routing"


def facts_of(ticket: Ticket, customer: Customer | None) -> Facts:
    return Facts(
        subject=ticket.subject,
        description=ticket.description,
        channel=ticket.channel,
        topic_id=ticket.category_id,
        customer_id=ticket.customer_id,
        organisation=customer.organisation if customer else "",
        email=(customer.email or "") if customer else "",
        priority=ticket.priority,
        impact=ticket.impact,
        team_id=ticket.team_id,
        received_at=ticket.created_at,
    )


def base_context(
    uow: SqlUnitOfWork, now: datetime, calendar: BusinessCalendar | None
) -> RoutingContext:
    """Everything but the agents and teams: the clock, the calendar, the help topics."""
    topics = uow.categories.all()
    return RoutingContext(
        now=now,
        topic_parents={t.id: t.parent_id for t in topics if t.id is not None},
        topic_names={t.id: t.display_name for t in topics if t.id is not None},
        calendar=calendar,
    )


def _teams_of(
    facts: Facts, rules: Sequence[Rule], ctx: RoutingContext
) -> tuple[list[Rule], set[int]]:
    """The rules that fire for this ticket, and every team they could route it to (so
    all are locked, in id order)."""
    found = {facts.team_id} if facts.team_id else set()
    decision = route(facts, rules, ctx)
    by_id = {r.id: r for r in rules}
    fired = [by_id[f.rule_id] for f in decision.fired if f.rule_id in by_id]
    for rule in fired:
        for action in rule.then:
            if isinstance(action, SetTeam):
                found.add(action.team_id)
    return fired, found


def _locked_context(
    uow: SqlUnitOfWork,
    ctx: RoutingContext,
    team_ids: set[int],
    named: Iterable[int] = (),
    known: dict[int, TeamState] | None = None,
) -> RoutingContext:
    """The teams' cursors, read after their locks are taken (in id order: two intakes
    never wait on each other in a circle), then every agent the decision may pick
    (the members and `named` agents) locked in one statement, in id order, and their
    state read after that, in one more. Nobody routing in another team can change
    those agents' load until this transaction ends, so the decision stands as made:
    no second read of the chosen agent. `known` teams, read just before, give their
    members."""
    cursors = {team_id: uow.routing.lock_team(team_id) for team_id in sorted(team_ids)}
    if known is not None and team_ids <= known.keys():
        teams = {t: replace(known[t], cursor=cursors[t]) for t in team_ids}
    else:
        teams = uow.routing.team_states(team_ids, cursors)
    agent_ids = {a for t in teams.values() for a in t.members} | set(named)
    uow.routing.lock_agents(agent_ids)
    return replace(ctx, teams=teams, agents=uow.routing.agent_states(agent_ids))


def _decide(
    uow: SqlUnitOfWork,
    facts: Facts,
    rules: Sequence[Rule],
    ctx: RoutingContext,
    team_id: int | None,
) -> Decision | None:
    """The decision under the locks (None: nothing to do). `team_id` set: a transfer."""
    decision = route(facts, rules, ctx) if team_id is None else route_into_team(team_id, ctx)
    if team_id is None and decision is not None and decision.assignee_id is None:
        into = route_into_team(decision.team_id, ctx) if decision.team_id else None
        if into is not None and decision.waiting is None:
            # No rule assigned: the team's own way, if it has one.
            decision = replace(
                decision,
                assignee_id=into.assignee_id,
                fired=decision.fired + into.fired,
                cursors=into.cursors,
                waiting=into.waiting,
            )
    return decision


def _entries(decision: Decision, team_name: str) -> list[NewEntry]:
    text = explain(decision)
    data = {
        # The English words for search and for older copies of Desk; a reader's copy
        # words `fired` in its own language when it shows the entry.
        "explanation": text,
        "fired": fired_to_data(decision.fired),
        "rules": [f.rule_name for f in decision.fired if f.rule_name],
        "assignee_id": decision.assignee_id,
        "team_id": decision.team_id,
    }
    entries = [NewEntry(EntryKind.EVENT, ROUTING_AUTHOR, None, "", EventType.ROUTED, data)]
    if decision.waiting is not None:
        entries.append(
            NewEntry(
                EntryKind.EVENT,
                ROUTING_AUTHOR,
                None,
                "",
                EventType.ROUTING_WAITING,
                {
                    **data,
                    "team_name": team_name,
                    "why": decision.waiting.kind,
                    "why_data": dict(decision.waiting.data),
                    "because": step_text(decision.waiting).removeprefix("waiting: "),
                },
            )
        )
    entries.extend(NewEntry(EntryKind.NOTE, ROUTING_AUTHOR, None, note) for note in decision.notes)
    return entries


def _carry_out(
    uow: SqlUnitOfWork, ticket: Ticket, decision: Decision, actor: Agent, ctx: RoutingContext
) -> Ticket:
    assert ticket.id is not None
    for team_id, agent_id in decision.cursors.items():
        uow.routing.advance_cursor(team_id, agent_id)
    entries = _entries(decision, ctx.team_name(decision.team_id))
    if decision.assignee_id is None:
        uow.tickets.append(ticket.id, entries, version=ticket.version, now=uow.now())
        return ticket
    to = uow.agents.get(decision.assignee_id)
    change = lifecycle.assign(ticket, to, actor, uow.now())
    return work.record(uow, ticket, change, None, entries, author_name=ROUTING_AUTHOR)


@dataclass(frozen=True, slots=True)
class Plan:
    """A decision made at intake, and what it was made from, until the ticket has an id."""

    decision: Decision
    context: RoutingContext


def route_new_ticket(
    uow: SqlUnitOfWork,
    ticket: Ticket,
    customer: Customer | None,
    calendar: BusinessCalendar | None = None,
) -> tuple[Ticket, Plan | None]:
    """At intake, before the ticket is stored: the team, topic and priority the rules give
    it (and the plan, to carry out with `after_intake` once it has an id). Rules that ask
    about the time count in `calendar`, by default the desk's routing calendar."""
    enabled = uow.routing.enabled_rule_set()
    rules = enabled.rules
    if calendar is None and enabled.reads_clock:
        calendar = desk_calendar(uow)
    if not rules:  # the common case of a desk that does not route: two small reads
        team = uow.routing.team_states([ticket.team_id]) if ticket.team_id else {}
        if not team or team[ticket.team_id].auto_assign is None:  # type: ignore[index]
            return ticket, None
    facts = facts_of(ticket, customer)
    ctx = base_context(uow, uow.now(), calendar)
    every_team = uow.routing.team_states()
    fired, team_ids = _teams_of(facts, rules, replace(ctx, teams=every_team))
    team_ids &= every_team.keys()
    if not team_ids and not rules:
        return ticket, None
    ctx = _locked_context(uow, ctx, team_ids, enabled.named_agents, every_team)
    # Whether a rule matches depends on the ticket and the clock alone, not on the
    # agents: the decision under the locks walks only the rules that matched already.
    decision = _decide(uow, facts, fired, ctx, None)
    if decision is None or not decision.changed_anything:
        return ticket, None
    return _with_fields(ticket, decision), Plan(decision, ctx)


def _with_fields(ticket: Ticket, decision: Decision) -> Ticket:
    matrix = priority_for(ticket.impact, ticket.urgency)
    priority = Priority(decision.priority)
    return replace(
        ticket,
        team_id=decision.team_id,
        category_id=decision.topic_id,
        priority=priority,
        priority_overridden=ticket.priority_overridden or priority != matrix,
    )


def after_intake(uow: SqlUnitOfWork, ticket: Ticket, plan: Plan | None, actor: Agent) -> Ticket:
    """The stored ticket assigned (or left waiting) as planned, and the thread told why."""
    if plan is None:
        return ticket
    return _carry_out(uow, ticket, plan.decision, actor, plan.context)


def after_transfer(uow: SqlUnitOfWork, ticket: Ticket, actor: Agent) -> Ticket:
    """A ticket transferred into a team that assigns by itself gets its agent now."""
    if ticket.team_id is None or ticket.assignee_id is not None:
        return ticket
    ctx = base_context(uow, uow.now(), None)
    ctx = _locked_context(uow, ctx, {ticket.team_id})
    decision = _decide(uow, facts_of(ticket, None), (), ctx, ticket.team_id)
    if decision is None:
        return ticket
    return _carry_out(uow, ticket, decision, actor, ctx)
